using Microsoft.Extensions.Logging;

namespace Keap.ServiceAccount.Hooks;

/// <summary>Logs of the REST hook subscriptions (EventIds 1260–1279). Keys and states only: never a hook URL or the path secret.</summary>
internal static partial class HookLog
{
    [LoggerMessage(1260, LogLevel.Information, "REST hook subscriptions reconciled: {Count} in place", EventName = "HooksReconciled")]
    public static partial void Reconciled(ILogger logger, int count);

    [LoggerMessage(1261, LogLevel.Warning, "Reconciling the REST hook subscriptions failed ({Kind}: {Reason}); trying again in {Delay}", EventName = "HooksReconcileFailed")]
    public static partial void ReconcileFailed(ILogger logger, string kind, string reason, TimeSpan delay);

    [LoggerMessage(1262, LogLevel.Debug, "REST hook subscriptions not reconciled: the application is not connected to Keap ({State})", EventName = "HooksNotConnected")]
    public static partial void NotConnected(ILogger logger, KeapConnectionState state);

    [LoggerMessage(1263, LogLevel.Information, "Subscribed to REST hook {EventKey} (hook {Key}, {Status})", EventName = "HookSubscribed")]
    public static partial void Subscribed(ILogger logger, string eventKey, string key, string status);

    [LoggerMessage(1264, LogLevel.Information, "Deleted REST hook {Key} ({EventKey}): {Why}", EventName = "HookDeleted")]
    public static partial void Deleted(ILogger logger, string key, string eventKey, string why);

    [LoggerMessage(1265, LogLevel.Information, "Asked Keap to verify REST hook {Key} ({EventKey}) again: now {Status}", EventName = "HookVerified")]
    public static partial void Verified(ILogger logger, string key, string eventKey, string status);

    [LoggerMessage(1266, LogLevel.Warning, "Keap has not verified the REST hook subscriptions for {EventKeys}, so it delivers nothing to them: its handshake to the hook URL got no 200 echoing X-Hook-Secret. Check that the receiver is mapped at the path of Keap:Hooks:ReceiverUrl (MapKeapHooks(\"/that/path\") when it is not /keap/hooks) and that Keap can reach that URL; the next reconciliation asks again", EventName = "HooksNotVerified")]
    public static partial void NotVerified(ILogger logger, string eventKeys);

    [LoggerMessage(1267, LogLevel.Warning, "Keap refused to subscribe to REST hook {EventKey} ({StatusCode}); the other event keys are reconciled. Check Keap:Hooks:EventKeys against GET /rest/v1/hooks/event_keys", EventName = "HookSubscribeRefused")]
    public static partial void SubscribeRefused(ILogger logger, string eventKey, int statusCode);

    [LoggerMessage(1268, LogLevel.Warning, "Keap listed {Count} REST hook subscriptions without a key or an absolute http(s) hook URL (not made by this package); they are left out", EventName = "UnreadableHooksSkipped")]
    public static partial void UnreadableHooksSkipped(ILogger logger, int count);
}
