using ButtonPush.Outbox;
using Keap.ServiceAccount;

namespace ButtonPush.Hooks;

/// <summary>
/// The app's handler of Keap's REST hook deliveries: stores each changed object with the outbox row that applies it,
/// in one transaction, and returns only after the commit, so the receiver's <c>200</c> means the delivery is safe.
/// A change Keap delivers again (a retry, a second batch) is stored once. The outbox worker applies it afterwards,
/// waiting and retrying while Keap cannot be reached, as it does for the app's own writes.
/// </summary>
internal sealed partial class ButtonPushHookHandler(HookEventStore events, OutboxSignal signal, ILogger<ButtonPushHookHandler> logger) : IKeapHookHandler
{
    public async Task HandleAsync(KeapHookDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var added = await events.AddAsync(delivery, cancellationToken);
        LogStored(logger, delivery.EventKey.Value, delivery.Objects.Count, added);
        if (added > 0)
        {
            signal.Notify();
        }
    }

    [LoggerMessage(200, LogLevel.Information, "Keap hook {EventKey}: {Objects} object(s) received, {Added} new queued to apply.")]
    private static partial void LogStored(ILogger logger, string eventKey, int objects, int added);
}
