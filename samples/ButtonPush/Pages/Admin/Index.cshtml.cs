using System.Globalization;
using ButtonPush.Integration;
using ButtonPush.Outbox;
using Keap.ServiceAccount;

namespace ButtonPush.Pages.Admin;

/// <summary>The Keap connection and the outbox, for admins only (see the folder convention in Program).</summary>
internal sealed class AdminModel(IKeapAuthorization authorization, OutboxStore outbox, OutboxSignal signal, KeapSetup keap) : PageModel
{
    public KeapConnectionStatus Status { get; private set; } = new() { State = KeapConnectionState.NotConnected };

    public IReadOnlyList<OutboxItem> Outbox { get; private set; } = [];

    public int Pending => Outbox.Count(item => !item.Parked);

    public int Parked => Outbox.Count(item => item.Parked);

    public bool UsesSandbox => keap.UsesSandbox;

    [TempData]
    public string? Message { get; set; }

    [TempData]
    public bool MessageIsError { get; set; }

    public static string Format(DateTimeOffset? value) =>
        value?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) ?? "–";

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        // A stored token that cannot be read (say, Data Protection keys lost) reads as StoreUnavailable, with the panel that fixes it.
        Status = await authorization.GetStatusAsync(cancellationToken);

        Outbox = await outbox.ListOpenAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostConnectAsync(CancellationToken cancellationToken)
    {
        var uri = await authorization.CreateAuthorizationUriAsync(cancellationToken);
        return Redirect(uri.AbsoluteUri);
    }

    public async Task<IActionResult> OnPostRefreshAsync(CancellationToken cancellationToken)
    {
        var status = await authorization.RefreshNowAsync(cancellationToken);
        return Done(
            status.State == KeapConnectionState.Connected ? "The access token was refreshed." : $"The refresh did not succeed: {status.LastError}",
            status.State != KeapConnectionState.Connected);
    }

    public async Task<IActionResult> OnPostDisconnectAsync(CancellationToken cancellationToken)
    {
        await authorization.DisconnectAsync(cancellationToken);
        return Done("Disconnected from Keap. Outbox rows wait until you connect again.", isError: false);
    }

    public async Task<IActionResult> OnPostRetryAsync(long id, CancellationToken cancellationToken)
    {
        if (!await outbox.RetryAsync(id, cancellationToken))
        {
            return Done($"Outbox row {id} is already delivered.", isError: false);
        }

        signal.Notify();
        return Done($"Outbox row {id} will be retried now.", isError: false);
    }

    private RedirectToPageResult Done(string message, bool isError)
    {
        Message = message;
        MessageIsError = isError;
        return RedirectToPage();
    }
}
