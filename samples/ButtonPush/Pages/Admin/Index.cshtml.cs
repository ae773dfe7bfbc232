using System.Globalization;
using ButtonPush.Data;
using ButtonPush.Hooks;
using ButtonPush.Integration;
using ButtonPush.Outbox;
using Keap.ServiceAccount;
using Keap.ServiceAccount.Sandbox;

namespace ButtonPush.Pages.Admin;

/// <summary>
/// The Keap connection, what reached Keap (users, deliveries, quota) and the outbox, for admins only (see the folder
/// convention in Program); in offline mode also the embedded sandbox's contacts and tags.
/// </summary>
internal sealed class AdminModel(
    IKeapAuthorization authorization,
    IKeapQuotaMonitor quota,
    OutboxStore outbox,
    OutboxSignal signal,
    UserStore users,
    HookEventStore hookEvents,
    HookSubscriptionsView hookSubscriptions,
    KeapSetup keap,
    TimeProvider time) : PageModel
{
    private const int ListedUsers = 50;
    private const int ListedDeliveries = 10;
    private const int ListedHookEvents = 20;

    public KeapConnectionStatus Status { get; private set; } = new() { State = KeapConnectionState.NotConnected };

    public IReadOnlyList<OutboxItem> Outbox { get; private set; } = [];

    public IReadOnlyList<OutboxItem> Delivered { get; private set; } = [];

    public IReadOnlyList<UserOverview> Users { get; private set; } = [];

    /// <summary>The latest changes Keap's REST hooks delivered, newest first.</summary>
    public IReadOnlyList<HookEvent> HookEvents { get; private set; } = [];

    /// <summary>The app's REST hook subscriptions as Keap last listed them (read while connected), if it has yet.</summary>
    public HookSubscriptionList? Subscriptions { get; private set; }

    public KeapQuotaSnapshot? Quota { get; private set; }

    /// <summary>The embedded sandbox, in offline mode only.</summary>
    public KeapSandboxState? Sandbox { get; private set; }

    public int Parked => Outbox.Count(item => item.Parked);

    public int Pending => Outbox.Count - Parked;

    public bool UsesSandbox => keap.UsesSandbox;

    /// <summary>When the page was drawn, UTC: a claim that ended before it is no longer one.</summary>
    public DateTimeOffset Now { get; private set; }

    [TempData]
    public string? Message { get; set; }

    [TempData]
    public bool MessageIsError { get; set; }

    /// <summary>The <see cref="KeapAuthorizationOutcome"/> of a callback that just redirected here, if any.</summary>
    [TempData]
    public string? Outcome { get; set; }

    public static string Format(DateTimeOffset? value) =>
        value?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) ?? "–";

    /// <summary>A connection state in words, as an admin would say it.</summary>
    public static string Describe(KeapConnectionState state) => state switch
    {
        KeapConnectionState.Connected => "Connected",
        KeapConnectionState.NotConnected => "Not connected",
        KeapConnectionState.NeedsReauthorization => "Needs re-authorization",
        _ => state.ToString(),
    };

    public static string DescribeKind(string kind) => kind switch
    {
        OutboxKinds.UpsertContact => "Create or update the contact",
        OutboxKinds.TagButtonPushed => $"Tag \"{OutboxJobs.ButtonPushedTag}\"",
        OutboxKinds.ApplyHookEvent => "Apply a change Keap reported",
        _ => kind,
    };

    /// <summary>Where a row stands at <paramref name="now"/>, in words.</summary>
    public static string DescribeState(OutboxItem item, DateTimeOffset now) => item switch
    {
        { Parked: true } => "Parked: retry it when the cause is fixed",
        { ClaimedUntil: { } until } when until > now => $"Claimed by an instance until {Format(until)}",
        { WaitingOnRow: { } row } => $"Waiting for row {row.ToString(CultureInfo.InvariantCulture)} (its contact) to go first",
        { WaitingFor: OutboxWaits.Connection } => "Waiting for the Keap connection",
        { WaitingFor: OutboxWaits.Quota } => $"Waiting for Keap's quota, next try {Format(item.NextAttemptAt)}",
        { Attempts: 0 } => "Due now",
        _ => $"Failed {item.Attempts.ToString(CultureInfo.InvariantCulture)}×, next try {Format(item.NextAttemptAt)}",
    };

    /// <summary>The "Keap contact" cell: the contact id, or that Keap deleted it.</summary>
    public static string DescribeContact(UserOverview user) => user switch
    {
        { KeapContactId: { } id } => $"#{id}",
        { KeapContactDeletedAt: { } deleted } => $"Deleted in Keap, {Format(deleted)}",
        _ => "not yet",
    };

    /// <summary>The "Tagged" cell: when the tag reached Keap, or that it was removed there since.</summary>
    public static string DescribeTagged(UserOverview user) => user switch
    {
        { KeapTagRemovedAt: { } removed } => $"Tag removed in Keap, {Format(removed)}",
        { KeapTaggedAt: { } tagged } => $"Yes, {Format(tagged)}",
        { KeapContactDeletedAt: not null, KeapContactId: null } => "No (contact deleted in Keap; tagged again at the next press)",
        { Presses: > 0 } => "On its way",
        _ => "No (not pressed yet)",
    };

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        // A stored token that cannot be read (say, Data Protection keys lost) reads as StoreUnavailable, with the panel that fixes it.
        Status = await authorization.GetStatusAsync(cancellationToken);
        Now = time.GetUtcNow();

        Quota = quota.Current;
        Outbox = await outbox.ListOpenAsync(cancellationToken);
        Delivered = await outbox.ListDeliveredAsync(ListedDeliveries, cancellationToken);
        Users = await users.ListAsync(ListedUsers, cancellationToken);
        HookEvents = await hookEvents.ListRecentAsync(ListedHookEvents, cancellationToken);
        if (Status.State == KeapConnectionState.Connected)
        {
            // Shown as last listed; a fresh list is on its way for the next visit.
            Subscriptions = hookSubscriptions.Current;
            hookSubscriptions.Refresh();
        }
        Sandbox = keap.UsesSandbox ? HttpContext.RequestServices.GetRequiredService<KeapSandboxState>() : null;
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
