using Microsoft.Extensions.Logging;

namespace Keap.ServiceAccount.Tokens.Internal;

/// <summary>Every transition of the token path. Messages carry states and reasons, never a token or secret.</summary>
internal static partial class TokenLog
{
    [LoggerMessage(1000, LogLevel.Debug, "Token refresh started", EventName = "RefreshStarted")]
    public static partial void RefreshStarted(ILogger logger);

    [LoggerMessage(1001, LogLevel.Information, "Token refreshed; the new access token expires at {ExpiresAt:O}", EventName = "RefreshSucceeded")]
    public static partial void RefreshSucceeded(ILogger logger, DateTimeOffset expiresAt);

    [LoggerMessage(1002, LogLevel.Warning, "Token refresh failed: {Reason}", EventName = "RefreshFailed")]
    public static partial void RefreshFailed(ILogger logger, string reason);

    [LoggerMessage(1018, LogLevel.Information, "Not connected to Keap: {Reason}", EventName = "NotConnected")]
    public static partial void NotConnected(ILogger logger, string reason);

    [LoggerMessage(1003, LogLevel.Information, "Adopted the token stored by another instance (version {Version})", EventName = "TokenAdopted")]
    public static partial void TokenAdopted(ILogger logger, long version);

    [LoggerMessage(1004, LogLevel.Error, "Keap connection needs re-authorization: {Reason}", EventName = "NeedsReauthorization")]
    public static partial void NeedsReauthorization(ILogger logger, string reason);

    [LoggerMessage(1005, LogLevel.Debug, "Another instance holds the refresh lease; waiting for its token", EventName = "LeaseWait")]
    public static partial void LeaseWait(ILogger logger);

    [LoggerMessage(1006, LogLevel.Warning, "Transient token endpoint failure ({Kind}), retrying the same refresh token in {Delay}", EventName = "RefreshRetry")]
    public static partial void RefreshRetry(ILogger logger, string kind, TimeSpan delay);

    [LoggerMessage(1007, LogLevel.Warning, "Could not store the refreshed token, retrying while the lease is held", EventName = "SaveRetry")]
    public static partial void SaveRetry(ILogger logger, Exception exception);

    [LoggerMessage(1008, LogLevel.Warning, "The token store failed; refreshing pauses and is tried again", EventName = "StoreFailed")]
    public static partial void StoreFailed(ILogger logger, Exception exception);

    [LoggerMessage(1009, LogLevel.Warning, "Could not release the refresh lease; it lapses by itself", EventName = "LeaseReleaseFailed")]
    public static partial void LeaseReleaseFailed(ILogger logger, Exception exception);

    [LoggerMessage(1010, LogLevel.Information, "Keap authorization completed: {Outcome}", EventName = "AuthorizationCompleted")]
    public static partial void AuthorizationCompleted(ILogger logger, KeapAuthorizationOutcome outcome);

    [LoggerMessage(1011, LogLevel.Warning, "Keap authorization rejected: {Outcome} ({Reason})", EventName = "AuthorizationRejected")]
    public static partial void AuthorizationRejected(ILogger logger, KeapAuthorizationOutcome outcome, string reason);

    [LoggerMessage(1012, LogLevel.Information, "Disconnected from Keap; the stored token was removed", EventName = "Disconnected")]
    public static partial void Disconnected(ILogger logger);

    [LoggerMessage(1013, LogLevel.Warning, "Keap granted an access token lifetime of {Lifetime}, too short for Keap:Refresh:SoftWindow ({SoftWindow}) and Keap:Refresh:HardWindow ({HardWindow}); using {ScaledSoftWindow} and {ScaledHardWindow} for this token", EventName = "WindowsScaled")]
    public static partial void WindowsScaled(ILogger logger, TimeSpan lifetime, TimeSpan softWindow, TimeSpan hardWindow, TimeSpan scaledSoftWindow, TimeSpan scaledHardWindow);

    [LoggerMessage(1014, LogLevel.Warning, "The refreshed token could not be stored before the refresh lease ended; it is kept in memory and stored once the store accepts it", EventName = "SavePending")]
    public static partial void SavePending(ILogger logger, Exception exception);

    [LoggerMessage(1015, LogLevel.Information, "The refreshed token kept in memory is now stored (version {Version})", EventName = "PendingSaved")]
    public static partial void PendingSaved(ILogger logger, long version);

    [LoggerMessage(1016, LogLevel.Warning, "Keap refused the refresh token but the refusal could not be recorded in the store; this process will not present it again", EventName = "RefusalNotRecorded")]
    public static partial void RefusalNotRecorded(ILogger logger, Exception exception);

    [LoggerMessage(1017, LogLevel.Information, "Stopping: waiting up to {Limit} for the token refresh in flight to be answered and stored", EventName = "StopWaitsForRefresh")]
    public static partial void StopWaitsForRefresh(ILogger logger, TimeSpan limit);

    [LoggerMessage(1020, LogLevel.Debug, "Next background token refresh planned at {DueAt:O}", EventName = "RefreshScheduled")]
    public static partial void RefreshScheduled(ILogger logger, DateTimeOffset dueAt);

    [LoggerMessage(1021, LogLevel.Warning, "Background token refresh failed; next attempt in {Delay}", EventName = "BackgroundRefreshBackoff")]
    public static partial void BackgroundRefreshBackoff(ILogger logger, TimeSpan delay);

    [LoggerMessage(1022, LogLevel.Error, "Background token refresh loop failed unexpectedly; next attempt in {Delay}", EventName = "BackgroundRefreshError")]
    public static partial void BackgroundRefreshError(ILogger logger, Exception exception, TimeSpan delay);

    [LoggerMessage(1030, LogLevel.Warning, "Could not check the SQL token store's table at start-up; the store checks it again on first use", EventName = "StoreCheckDeferred")]
    public static partial void StoreCheckDeferred(ILogger logger, Exception exception);

    [LoggerMessage(1040, LogLevel.Warning, "Keap's answer to a token request was incomplete; what it carried is used: {Problem}", EventName = "TokenAnswerIncomplete")]
    public static partial void TokenAnswerIncomplete(ILogger logger, string problem);

    [LoggerMessage(1041, LogLevel.Error, "A {EventName} subscriber threw; the token path carries on without it", EventName = "SubscriberFailed")]
    public static partial void SubscriberFailed(ILogger logger, Exception exception, string eventName);
}
