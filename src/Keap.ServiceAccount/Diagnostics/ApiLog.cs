using Microsoft.Extensions.Logging;

namespace Keap.ServiceAccount.Diagnostics;

/// <summary>Logs of the API path (EventIds 1100–1199). Paths only: no tokens, no query strings.</summary>
internal static partial class ApiLog
{
    [LoggerMessage(EventId = 1100, EventName = "ApiRequestFailed", Level = LogLevel.Warning,
        Message = "Keap answered {StatusCode} to {Method} {Path}")]
    public static partial void RequestFailed(ILogger logger, int statusCode, string method, string? path);

    [LoggerMessage(EventId = 1101, EventName = "ApiRetry", Level = LogLevel.Information,
        Message = "Retrying {Method} {Path} in {Delay} (attempt {Attempt}) after {Outcome}")]
    public static partial void Retry(ILogger logger, string? method, string? path, TimeSpan delay, int attempt, string outcome);

    [LoggerMessage(EventId = 1102, EventName = "ApiQuotaLow", Level = LogLevel.Warning,
        Message = "Keap quota low: {Available} of {Limit} requests left until {ExpiresAt}")]
    public static partial void QuotaLow(ILogger logger, long available, long limit, DateTimeOffset? expiresAt);

    [LoggerMessage(EventId = 1103, EventName = "ApiPacingDelay", Level = LogLevel.Information,
        Message = "Pacing the next Keap request by {Delay} (throttle left {ThrottleAvailable}, quota left {QuotaAvailable})")]
    public static partial void PacingDelay(ILogger logger, TimeSpan delay, long? throttleAvailable, long? quotaAvailable);

    [LoggerMessage(EventId = 1104, EventName = "ApiRetryNotSafe", Level = LogLevel.Warning,
        Message = "Not retrying {Method} {Path} after {Outcome}: the request may have been applied")]
    public static partial void RetryNotSafe(ILogger logger, string method, string? path, string outcome);
}
