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

    [LoggerMessage(EventId = 1105, EventName = "ApiRateNarrowed", Level = LogLevel.Information,
        Message = "Keap refused a request (429): holding requests for {Hold} and narrowing the client rate to {Rate:F2} per second")]
    public static partial void RateNarrowed(ILogger logger, double rate, TimeSpan hold);

    [LoggerMessage(EventId = 1106, EventName = "ApiRateLimitQueueFull", Level = LogLevel.Warning,
        Message = "A Keap call was not sent: the rate limit's waiting line is full (Keap:RateLimit:QueueLimit)")]
    public static partial void RateLimitQueueFull(ILogger logger);

    [LoggerMessage(EventId = 1107, EventName = "ApiCircuitOpened", Level = LogLevel.Warning,
        Message = "Keap has been failing (5xx or no answer): calls are paused for {BreakDuration}")]
    public static partial void CircuitOpened(ILogger logger, TimeSpan breakDuration);

    [LoggerMessage(EventId = 1108, EventName = "ApiRateLimitPaused", Level = LogLevel.Warning,
        Message = "A Keap call was not sent: Keap asked for a pause of {RetryAfter} (429 or spent quota), longer than a call may wait")]
    public static partial void RateLimitPaused(ILogger logger, TimeSpan retryAfter);

    [LoggerMessage(EventId = 1109, EventName = "ApiCircuitClosed", Level = LogLevel.Information,
        Message = "Keap answered again: calls are no longer paused")]
    public static partial void CircuitClosed(ILogger logger);
}
