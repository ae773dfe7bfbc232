using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Timeout;

namespace Keap.ServiceAccount.Http;

/// <summary>Turns a failed Keap response into a <see cref="KeapApiException"/>.</summary>
internal static class KeapApiErrors
{
    // Keap's gateway and common proxies; the first present wins.
    private static readonly string[] RequestIdHeaders = ["x-request-id", "x-keap-request-id", "x-correlation-id", "x-amzn-requestid"];

    /// <summary>The Refit exception factory: <see langword="null"/> for a success, otherwise the mapped exception.</summary>
    public static async ValueTask<Exception?> ExceptionFactoryAsync(HttpResponseMessage response, TimeProvider time) =>
        response.IsSuccessStatusCode ? null : await CreateAsync(response, time, CancellationToken.None).ConfigureAwait(false);

    /// <summary>
    /// The Refit transport exception factory: a call that got no answer (connection failure, timeouts after the
    /// retries) surfaces as a <see cref="KeapApiException"/> around the cause.
    /// </summary>
    public static Exception FromTransportFailure(HttpRequestMessage request, Exception exception, CancellationToken cancellationToken)
    {
        // The caller's own cancellation, and "connect to Keap first" from the token path, keep their own types; a
        // KeapApiException was mapped already, by the pipeline's outermost handler.
        if ((exception is OperationCanceledException && cancellationToken.IsCancellationRequested) || exception is KeapAuthorizationException or KeapApiException)
        {
            return exception;
        }

        var method = request.Method.Method;
        var path = SafePath(request.RequestUri);

        // This attempt was not sent, but a retry's earlier attempt may have reached Keap (a 5xx or no answer), so the call
        // as a whole may have been applied: it must not claim NotSent, whatever stopped the retry.
        var reached = Marked(KeapRequestMarks.MayHaveReachedKeap);
        var wasNotSent = reached ? "was not sent again" : "was not sent";
        return exception switch
        {
            BrokenCircuitException broken => NotSent(
                $"{method} {path} {wasNotSent}: Keap has been failing (5xx or no answer), so calls are paused{For(broken.RetryAfter)} to let it recover.",
                broken.RetryAfter),
            RateLimiterRejectedException { RetryAfter: { } after } => NotSent(
                $"{method} {path} {wasNotSent}: Keap refused calls (429) or its quota is spent, and asked for a pause of {after:c}, longer than a call may wait.",
                after),
            RateLimiterRejectedException => NotSent(
                $"{method} {path} {wasNotSent}: too many calls are already waiting for their turn under Keap's rate limit (Keap:RateLimit:QueueLimit).",
                null),
            TimeoutRejectedException or OperationCanceledException when Marked(KeapRequestMarks.WaitingForTurn) => NotSent(
                $"{method} {path} {wasNotSent}: it ran out of time (Keap:Api:Timeouts:Total) waiting for its turn under Keap's rate limit.",
                null),
            _ => new KeapApiException($"{method} {path} got no answer from Keap: {exception.GetType().Name}", exception) { Method = method, Path = path },
        };

        bool Marked(HttpRequestOptionsKey<bool> mark) => request.Options.TryGetValue(mark, out var set) && set;

        KeapApiException NotSent(string message, TimeSpan? retryAfter) => reached
            ? new(message + " An earlier attempt may have reached Keap.", exception) { Method = method, Path = path, RetryAfter = retryAfter }
            : new(message, exception) { Method = method, Path = path, RetryAfter = retryAfter, NotSent = true };

        static string For(TimeSpan? pause) => pause is { } p ? $" for {p:c}" : string.Empty;
    }

    /// <summary>The Refit deserialization exception factory: a success body that is not the expected JSON.</summary>
    public static ValueTask<Exception?> FromUnreadableBody(HttpResponseMessage response, Exception exception) =>
        ValueTask.FromResult<Exception?>(Unreadable(response, exception));

    /// <summary>A success whose body could not be read as expected (not JSON of that shape, or empty).</summary>
    public static KeapApiException Unreadable(HttpResponseMessage response, Exception? cause)
    {
        var request = response.RequestMessage;
        var path = SafePath(request?.RequestUri);
        var message = $"Keap answered {(int)response.StatusCode} to {request?.Method.Method} {path} with a body that could not be read.";
        // Exception takes a null cause (an empty or null body has none).
        return new KeapApiException(message, cause!)
        {
            StatusCode = response.StatusCode,
            RequestId = FindRequestId(response.Headers),
            Method = request?.Method.Method,
            Path = path,
        };
    }

    /// <summary>
    /// Maps a failed answer. <see cref="KeapApiException.RetryAfter"/> comes from <c>Retry-After</c> (seconds or an HTTP
    /// date) or, on a 429 of a spent quota, from its expiry header, measured from <paramref name="time"/>'s now. A 404 is
    /// Keap's "not found" only with Keap's own error body; any other 404 (a proxy's page, a wrong base address) says so.
    /// </summary>
    public static async Task<KeapApiException> CreateAsync(HttpResponseMessage response, TimeProvider time, CancellationToken cancellationToken)
    {
        var body = response.Content is null ? string.Empty : await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var error = TryParse(body);
        var request = response.RequestMessage;
        var method = request?.Method.Method;

        // Only the path (without an email address in it): the query can hold an email filter, and no header is ever copied.
        var path = SafePath(request?.RequestUri);
        var status = (int)response.StatusCode;
        var fault = error?.Fault;
        var message = error?.Message ?? fault?.FaultString;
        var summary = message ?? response.ReasonPhrase ?? "no details";

        // Keap's own error body ({code, message, status}), not the gateway's fault nor a proxy's page: a bare
        // {"message": ...} is what API gateways (Kong, Amazon API Gateway) answer for a route they do not know.
        var keapsOwn = error is { Message: not null } && (error.Code ?? error.Status) is not null;
        var notFound = response.StatusCode == HttpStatusCode.NotFound;
        var text = notFound && !keapsOwn
            ? $"{method} {path} answered 404 without Keap's error body ({summary}): the address may not lead to Keap's API; check the base address (Keap:ApiBaseAddress)."
            : $"Keap answered {status} to {method} {path}: {summary}";
        return new KeapApiException(text)
        {
            StatusCode = response.StatusCode,
            ErrorCode = error?.Code ?? fault?.Detail?.ErrorCode,
            ErrorMessage = message,
            ErrorStatus = error?.Status,
            RetryAfter = KeapQuotaHeaders.ServerDelay(response, time.GetUtcNow()),
            IsKeapNotFound = notFound && keapsOwn,
            Details = error?.Details?.Select(d => new KeapErrorDetail { Domain = d.Domain, Resource = d.Resource }).ToArray() ?? [],
            RequestId = FindRequestId(response.Headers),
            Method = method,
            Path = path,
        };
    }

    /// <summary>
    /// The request path for messages and logs, with the address of <c>/emailAddresses/{email}/…</c> replaced by
    /// <c>{email}</c>: an email address is personal data.
    /// </summary>
    public static string? SafePath(Uri? uri)
    {
        const string EmailSegment = "/emailAddresses/";
        var path = uri?.AbsolutePath;
        var at = path?.IndexOf(EmailSegment, StringComparison.OrdinalIgnoreCase) ?? -1;
        if (at < 0)
        {
            return path;
        }

        var start = at + EmailSegment.Length;
        var end = path!.IndexOf('/', start);
        return string.Concat(path.AsSpan(0, start), "{email}", end < 0 ? ReadOnlySpan<char>.Empty : path.AsSpan(end));
    }

    private static ErrorDto? TryParse(string body)
    {
        // Empty bodies and HTML pages from proxies carry no Keap error; keep the status alone.
        if (!body.TrimStart().StartsWith('{'))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(body, KeapJsonContext.Default.ErrorDto);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? FindRequestId(HttpResponseHeaders headers)
    {
        foreach (var name in RequestIdHeaders)
        {
            if (headers.TryGetValues(name, out var values))
            {
                return values.FirstOrDefault();
            }
        }

        return null;
    }
}
