using Microsoft.AspNetCore.Authentication;

namespace ButtonPush.Pages.Account;

/// <summary>Signs out on POST only, so a link elsewhere cannot log the user out; GET shows a page with the button.</summary>
internal sealed class LogoutModel : PageModel
{
    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync();
        return LocalRedirect("/");
    }
}
