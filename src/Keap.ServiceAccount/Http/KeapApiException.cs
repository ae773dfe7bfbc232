using System.Net;

namespace Keap.ServiceAccount;

/// <summary>
/// Keap answered an API call with an error. Carries Keap's own code, message and details, and the request's
/// method, path and request id for support; never a token.
/// </summary>
public sealed class KeapApiException : Exception
{
    /// <summary>Creates the exception.</summary>
    public KeapApiException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public KeapApiException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public KeapApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The HTTP status Keap answered with; 0 when no answer came (the cause is then the <see cref="Exception.InnerException"/>).</summary>
    public HttpStatusCode StatusCode { get; init; }

    /// <summary>
    /// Keap's error <c>code</c>, if the body had one; for the API gateway's <c>fault</c> body, its <c>errorcode</c>
    /// (<c>policies.ratelimit.QuotaViolation</c> or <c>policies.ratelimit.SpikeArrestViolation</c> on a 429).
    /// </summary>
    public string? ErrorCode { get; init; }

    /// <summary>Keap's error <c>message</c> (or the gateway's <c>faultstring</c>), if the body had one.</summary>
    public string? ErrorMessage { get; init; }

    /// <summary>Keap's error <c>status</c> (for example <c>Request Throttled</c>), if the body had one.</summary>
    public string? ErrorStatus { get; init; }

    /// <summary>Keap's error <c>details</c> (domain and resource of each), empty if none.</summary>
    public IReadOnlyList<KeapErrorDetail> Details { get; init; } = [];

    /// <summary>The request id Keap or a proxy returned, if any, to quote to support.</summary>
    public string? RequestId { get; init; }

    /// <summary>The HTTP method of the failed call.</summary>
    public string? Method { get; init; }

    /// <summary>The path of the failed call (no query string, no host).</summary>
    public string? Path { get; init; }

    /// <summary>
    /// How long to wait before calling again, when known: Keap's <c>Retry-After</c> or quota reset on a 429, the pause
    /// of the rate limiter after Keap refused calls, or the rest of the circuit breaker's pause after Keap kept failing.
    /// </summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>
    /// Whether the request never reached Keap: the circuit breaker is pausing calls, or the client-side rate limit
    /// refused it (waiting line full, or a pause longer than a call may wait). Such a call is always safe to repeat.
    /// </summary>
    public bool NotSent { get; init; }
}
