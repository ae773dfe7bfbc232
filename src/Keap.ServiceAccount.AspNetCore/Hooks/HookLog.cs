using Microsoft.Extensions.Logging;

namespace Keap.ServiceAccount.AspNetCore.Hooks;

/// <summary>
/// Logs of the REST hook receiver (EventIds 1400–1419). Never the path secret, the <c>X-Hook-Secret</c> value, the
/// request path or a delivery's content: only counts, status codes, exception types and what was wrong.
/// </summary>
internal static partial class HookLog
{
    [LoggerMessage(EventId = 1400, EventName = "HookSecretRejected", Level = LogLevel.Warning,
        Message = "Refused a REST hook request from {RemoteAddress}: its path secret is wrong or missing (answered 404)")]
    public static partial void SecretRejected(ILogger logger, string? remoteAddress);

    [LoggerMessage(EventId = 1401, EventName = "HookHandshakeAnswered", Level = LogLevel.Information,
        Message = "Answered Keap's REST hook verification handshake (X-Hook-Secret echoed)")]
    public static partial void HandshakeAnswered(ILogger logger);

    [LoggerMessage(EventId = 1402, EventName = "HookDeliveryRefused", Level = LogLevel.Warning,
        Message = "Refused a REST hook delivery (answered {StatusCode}): {Problem}")]
    public static partial void DeliveryRefused(ILogger logger, int statusCode, string problem);

    [LoggerMessage(EventId = 1403, EventName = "HookDeliveryHandled", Level = LogLevel.Debug,
        Message = "Handled a REST hook delivery of {Count} {EventKey} objects in {Elapsed}")]
    public static partial void DeliveryHandled(ILogger logger, int count, string eventKey, TimeSpan elapsed);

    [LoggerMessage(EventId = 1404, EventName = "HookHandlerFailed", Level = LogLevel.Error,
        Message = "The REST hook handler threw {ExceptionType} on a {EventKey} delivery; answered 503 so Keap delivers it again")]
    public static partial void HandlerFailed(ILogger logger, string exceptionType, string eventKey);

    [LoggerMessage(EventId = 1405, EventName = "HookHandlerTimedOut", Level = LogLevel.Warning,
        Message = "The REST hook handler ran past its budget of {Budget} (Keap:Hooks:HandlerTimeout) on a {EventKey} delivery; answered 503 so Keap delivers it again")]
    public static partial void HandlerTimedOut(ILogger logger, TimeSpan budget, string eventKey);

    [LoggerMessage(EventId = 1406, EventName = "HookRequestAborted", Level = LogLevel.Information,
        Message = "Keap hung up before the REST hook handler finished a {EventKey} delivery; Keap delivers it again")]
    public static partial void RequestAborted(ILogger logger, string eventKey);

    [LoggerMessage(EventId = 1407, EventName = "HookSecretUnavailable", Level = LogLevel.Error,
        Message = "Could not read the REST hook path secret ({ExceptionType}); answered 503 so Keap tries again")]
    public static partial void SecretUnavailable(ILogger logger, string exceptionType);

    [LoggerMessage(EventId = 1408, EventName = "HookHandlerFailedAfterAnswer", Level = LogLevel.Error,
        Message = "The REST hook handler threw {ExceptionType} on a {EventKey} delivery after the receiver had answered 503 (it ran past its budget or Keap hung up, and it did not stop when cancelled); Keap delivers it again")]
    public static partial void HandlerFailedAfterAnswer(ILogger logger, string exceptionType, string eventKey);

    [LoggerMessage(EventId = 1409, EventName = "HookHandlerServicesDisposeFailed", Level = LogLevel.Error,
        Message = "Disposing the services of the REST hook handler threw {ExceptionType} after a {EventKey} delivery ended; the receiver's answer stands")]
    public static partial void HandlerServicesDisposeFailed(ILogger logger, string exceptionType, string eventKey);
}
