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
            // A reload or the back button after connecting: the response was spent, the connection is fine.
            KeapAuthorizationOutcome.InvalidState when connected && result.AlreadyUsed =>
                ("That Keap sign-in response was already used (invalid state); nothing changed and the app is still connected.", false),
            // Forged, damaged or expired: refused, in the error style, with the package's one reason for it.
            KeapAuthorizationOutcome.InvalidState =>
                ($"Refused (invalid state): {result.Message} {(connected ? "The existing Keap connection is unchanged." : "Nothing was stored.")}", true),
            _ => ($"Connecting to Keap failed. Nothing was stored: {result.Message}", true),
        };

        if (result.Succeeded)
        {
            // Rows that waited for the connection go now rather than at their next poll.
            await outbox.MakeWaitingRowsDueAsync(OutboxWaits.Connection, cancellationToken);
            signal.Notify();
        }

        if (result.Outcome == KeapAuthorizationOutcome.Connected)
        {
            // The package's reconciler subscribes at every connect (a reconnect too), in the background: Keap verifies the
            // receiver during each subscribe, which the browser should not wait for.
            message += " Subscribing to Keap's REST hooks; their status shows below.";
        }

        TempData[nameof(AdminModel.Message)] = message;
        TempData[nameof(AdminModel.MessageIsError)] = isError;
        TempData[nameof(AdminModel.Outcome)] = result.Outcome.ToString();
        return RedirectToPage("/Admin/Index");
    }
}
