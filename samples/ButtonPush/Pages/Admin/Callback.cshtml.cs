using ButtonPush.Outbox;
using Keap.ServiceAccount;

namespace ButtonPush.Pages.Admin;

/// <summary>Keap redirects the admin here after the consent page; the package checks the state and exchanges the code.</summary>
internal sealed class CallbackModel(IKeapAuthorization authorization, OutboxStore outbox, OutboxSignal signal) : PageModel
{
    public KeapAuthorizationOutcome Outcome { get; private set; }

    public bool Succeeded => Outcome == KeapAuthorizationOutcome.Connected;

    public string Headline { get; private set; } = string.Empty;

    public string Detail { get; private set; } = string.Empty;

    public async Task OnGetAsync(
        [FromQuery] string? code,
        [FromQuery] string? state,
        [FromQuery] string? error,
        [FromQuery(Name = "error_description")] string? errorDescription,
        CancellationToken cancellationToken)
    {
        var result = await authorization.CompleteAuthorizationAsync(new KeapAuthorizationCallback(code, state, error, errorDescription), cancellationToken);
        Outcome = result.Outcome;
        Detail = result.Message;
        Headline = result.Outcome switch
        {
            KeapAuthorizationOutcome.Connected => $"Connected to Keap{(result.Status.Account is { } account ? $" ({account})" : string.Empty)}.",
            KeapAuthorizationOutcome.Denied => "Access was denied on Keap's consent page. Nothing was stored; connect again when ready.",
            KeapAuthorizationOutcome.InvalidState => "This callback was not started from this app or has expired (invalid state). Nothing was stored; start again from the admin panel.",
            _ => "Connecting to Keap failed. Nothing was stored; see the detail below and try again.",
        };

        if (result.Succeeded)
        {
            // Rows that waited for the connection go now rather than at the end of their backoff.
            await outbox.MakeWaitingRowsDueAsync(cancellationToken);
            signal.Notify();
        }
        else
        {
            Response.StatusCode = result.Outcome == KeapAuthorizationOutcome.Denied ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest;
        }
    }
}
