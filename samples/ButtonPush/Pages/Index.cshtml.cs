using System.Globalization;
using System.Security.Claims;
using ButtonPush.Data;

namespace ButtonPush.Pages;

/// <summary>The button: anyone may look, signed-in users press.</summary>
internal sealed class IndexModel(UserStore users) : PageModel
{
    public long? Presses { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        if (CurrentUserId(User) is long userId)
        {
            Presses = await users.CountPressesAsync(userId, cancellationToken);
        }
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (CurrentUserId(User) is not long userId)
        {
            return Challenge();
        }

        await users.PressAsync(userId, cancellationToken);
        return RedirectToPage();
    }

    internal static long? CurrentUserId(ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
}
