using System.Net;

namespace Keap.ServiceAccount;

/// <summary>
/// An API call failed: Keap answered with an error, answered with a body that could not be read, or did not answer at
/// all. Carries Keap's own code, message and details, and the request's method, path and request id for support;
/// never a token. The properties are set by the package and read-only for everyone else.
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

    /// <summary>
    /// Creates the exception for a failure with an HTTP status and no further details from Keap, for example in a test
    /// double of <see cref="IKeapContactsClient"/>.
    /// </summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="statusCode">The HTTP status of the failed call.</param>
    public KeapApiException(string message, HttpStatusCode statusCode)
        : base(message)
    {
        StatusCode = statusCode;
    }

    /// <summary>
    /// The HTTP status Keap answered with, or <see langword="null"/> when no answer came: the connection was refused or
    /// dropped, every attempt timed out (the cause is then the <see cref="Exception.InnerException"/>), or the call was
    /// not sent at all (<see cref="NotSent"/>).
    /// </summary>
    public HttpStatusCode? StatusCode { get; internal init; }

    /// <summary>
    /// Keap's error <c>code</c>, if the body had one; for the API gateway's <c>fault</c> body, its <c>errorcode</c>
    /// (<c>policies.ratelimit.QuotaViolation</c> or <c>policies.ratelimit.SpikeArrestViolation</c> on a 429).
    /// </summary>
    public string? ErrorCode { get; internal init; }

    /// <summary>Keap's error <c>message</c> (or the gateway's <c>faultstring</c>), if the body had one.</summary>
    public string? ErrorMessage { get; internal init; }

    /// <summary>Keap's error <c>status</c> (for example <c>Request Throttled</c>), if the body had one.</summary>
    public string? ErrorStatus { get; internal init; }

    /// <summary>Keap's error <c>details</c> (domain and resource of each), empty if none.</summary>
    public IReadOnlyList<KeapErrorDetail> Details { get; internal init; } = [];

    /// <summary>The request id Keap or a proxy returned, if any, to quote to support.</summary>
    public string? RequestId { get; internal init; }

    /// <summary>The HTTP method of the failed call.</summary>
    public string? Method { get; internal init; }

    /// <summary>The path of the failed call (no query string, no host).</summary>
    public string? Path { get; internal init; }

    /// <summary>
    /// How long to wait before calling again, when known: on an answer, its <c>Retry-After</c> (delta seconds, or an
    /// HTTP date measured from the <see cref="TimeProvider"/>'s UTC now), else, on a 429 whose quota headers say the
    /// daily quota is spent, the time until <c>x-keap-product-quota-expiry-time</c> (epoch milliseconds or ISO 8601);
    /// on a call that was not sent, the pause of the rate limiter after Keap refused calls, or the rest of the circuit
    /// breaker's pause after Keap kept failing. <see langword="null"/> when nothing said when.
    /// </summary>
    public TimeSpan? RetryAfter { get; internal init; }

    /// <summary>
    /// Whether this is Keap's own "not found": a 404 with Keap's error body. A 404 without it (a proxy's page, a wrong
    /// <c>ApiBaseAddress</c>) is not, so the typed clients report it instead of reading it as a missing record.
    /// </summary>
    internal bool IsKeapNotFound { get; init; }

    /// <summary>
    /// Whether the request never reached Keap: the circuit breaker is pausing calls, the client-side rate limit refused
    /// it (waiting line full, or a pause longer than a call may wait), or the call's time (<c>Keap:Api:Timeouts:Total</c>) ran out
    /// while it waited for its turn; in each case only when no earlier attempt of the call may have reached Keap (a 5xx
    /// or no answer before a retry). Such a call is always safe to repeat.
    /// </summary>
    public bool NotSent { get; internal init; }
}
