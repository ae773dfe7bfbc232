using Microsoft.AspNetCore.Diagnostics;

namespace ButtonPush.Pages;

/// <summary>
/// The page behind error status codes (re-executed by the status code pages middleware, which keeps the original
/// code): in the app's layout and with a way back, rather than the browser's blank error page.
/// </summary>
[IgnoreAntiforgeryToken]
internal sealed class StatusModel : PageModel
{
    public int Code { get; private set; }

    public string? OriginalPath { get; private set; }

    public string Title { get; private set; } = string.Empty;

    public string Explanation { get; private set; } = string.Empty;

    public void OnGet(int code) => Describe(code);

    // A failed POST (say, an expired form) is re-executed as a POST.
    public void OnPost(int code) => Describe(code);

    private void Describe(int code)
    {
        Code = code;
        OriginalPath = HttpContext.Features.Get<IStatusCodeReExecuteFeature>()?.OriginalPath;
        (Title, Explanation) = code switch
        {
            StatusCodes.Status403Forbidden => ("Admin rights needed", $"You are signed in as {User.Identity?.Name}, which is not the admin account. The admin panel is for the app's admin only."),
            StatusCodes.Status404NotFound => ("Page not found", "There is no page at this address."),
            StatusCodes.Status400BadRequest => ("That did not work", "The form was too old or incomplete. Go back, reload the page and try again."),
            _ => ("Something went wrong", $"The server answered {code}. Try again in a moment."),
        };
    }
}
