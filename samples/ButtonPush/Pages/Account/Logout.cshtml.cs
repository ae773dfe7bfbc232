using Microsoft.AspNetCore.Authentication;

namespace ButtonPush.Pages.Account;

/// <summary>Signs out; POST only, so a link elsewhere cannot log the user out.</summary>
internal sealed class LogoutModel : PageModel
{
    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync();
        return LocalRedirect("/");
    }
}
