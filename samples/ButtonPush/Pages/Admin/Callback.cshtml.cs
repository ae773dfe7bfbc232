using ButtonPush.Outbox;
using Keap.ServiceAccount;

namespace ButtonPush.Pages.Admin;

/// <summary>
/// Keap redirects the admin here after the consent page; the package checks the state and exchanges the code. The
/// outcome is handed to the admin panel and the browser is redirected there at once (post/redirect/get), so the code
/// never stays in the address bar and a reload shows the panel rather than replaying a spent code.
/// </summary>
internal sealed class CallbackModel(IKeapAuthorization authorization, OutboxStore outbox, OutboxSignal signal) : PageModel
{
    public async Task<IActionResult> OnGetAsync(
        [FromQuery] string? code,
        [FromQuery] string? state,
        [FromQuery] string? error,
        [FromQuery(Name = "error_description")] string? errorDescription,
        CancellationToken cancellationToken)
    {
        var result = await authorization.CompleteAuthorizationAsync(new KeapAuthorizationCallback(code, state, error, errorDescription), cancellationToken);
        var connected = result.Status.State == KeapConnectionState.Connected;
        var (message, isError) = result.Outcome switch
        {
            KeapAuthorizationOutcome.Connected => ($"Connected to Keap{(result.Status.Account is { } account ? $" ({account})" : string.Empty)}.", false),
            KeapAuthorizationOutcome.Denied => ("Access was denied on Keap's consent page. Nothing was stored; connect again when ready.", !connected),
            // Typically a reload or the back button after connecting: the link was spent, the connection is fine.
            KeapAuthorizationOutcome.InvalidState when connected => ($"That Keap sign-in link was already used or has expired (invalid state); nothing changed. {result.Message}", false),
            KeapAuthorizationOutcome.InvalidState => ($"This callback was not started from this app, was already used or has expired (invalid state). Nothing was stored. {result.Message}", true),
            _ => ($"Connecting to Keap failed. Nothing was stored: {result.Message}", true),
        };

        if (result.Succeeded)
        {
            // Rows that waited for the connection go now rather than at their next poll.
            await outbox.MakeWaitingRowsDueAsync(OutboxWaits.Connection, cancellationToken);
            signal.Notify();
        }

        TempData[nameof(AdminModel.Message)] = message;
        TempData[nameof(AdminModel.MessageIsError)] = isError;
        TempData[nameof(AdminModel.Outcome)] = result.Outcome.ToString();
        return RedirectToPage("/Admin/Index");
    }
}
