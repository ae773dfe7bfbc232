using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Keap.ServiceAccount.Http;

namespace Keap.ServiceAccount;

/// <summary>
/// Calls any Keap endpoint through the package's pipeline with a plain <see cref="HttpClient"/>: the client's name,
/// the repeatable mark, Keap's JSON options, and the reading of an answer into a <see cref="KeapApiException"/>.
/// </summary>
/// <remarks>
/// A client of the pipeline (<see cref="KeapServiceAccountBuilder.AddHttpClient{TClient}"/>, or
/// <see cref="IHttpClientFactory"/> with <see cref="ClientName"/>) has <c>Keap:ApiBaseAddress</c> as its base address
/// (send <c>rest/v1/…</c> or <c>rest/v2/…</c>, without a leading slash), the current token or key on every attempt, the
/// shared rate limiter, retries and circuit breaker. A call that got no answer, or was not sent (the rate limit, the
/// circuit breaker), throws a <see cref="KeapApiException"/>; an answer, even an error, is returned as usual: call
/// <see cref="EnsureKeapSuccessAsync"/> or <see cref="ReadKeapJsonAsync{T}"/> to turn a failed one into a
/// <see cref="KeapApiException"/>.
/// </remarks>
public static class KeapHttp
{
    /// <summary>The name of the pipeline's <see cref="HttpClient"/> in <see cref="IHttpClientFactory"/>.</summary>
    public const string ClientName = KeapApi.HttpClientName;

    /// <summary>
    /// Keap's JSON options, the ones the typed clients use, read-only: snake_case names, nulls not written, unknown
    /// properties skipped, strings (ids) read from JSON numbers too, <see cref="DateOnly"/> as <c>yyyy-MM-dd</c> and
    /// <see cref="DateTimeOffset"/> as UTC ISO 8601 (epoch milliseconds read too). Your own types are serialized by
    /// reflection.
    /// </summary>
    public static JsonSerializerOptions JsonOptions { get; } = CreateJsonOptions();

    /// <summary>
    /// Declares <paramref name="request"/> safe to send again after a 5xx, an attempt timeout or a lost connection,
    /// because applying it twice changes nothing. Needed only for a POST or PATCH: other methods are repeated by HTTP's
    /// definition; an unmarked POST or PATCH is sent once. Never mark a write that adds something each time it arrives.
    /// See <see cref="KeapRepeatableAttribute"/> for Refit methods.
    /// </summary>
    /// <param name="request">The request to mark.</param>
    /// <returns><paramref name="request"/>, marked.</returns>
    public static HttpRequestMessage MarkKeapRepeatable(this HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Options.Set(KeapRequestMarks.Repeatable, true);
        return request;
    }

    /// <summary>
    /// Throws a <see cref="KeapApiException"/> for a failed answer (any status outside 2xx), with Keap's code, message
    /// and details, <see cref="KeapApiException.RetryAfter"/> and the request id. A 404 without Keap's error body (a
    /// proxy's page, a wrong <c>Keap:ApiBaseAddress</c>) says so in the message. Reads the body only on a failure.
    /// </summary>
    /// <param name="response">An answer of the pipeline's client.</param>
    /// <param name="cancellationToken">Cancels reading the error body.</param>
    /// <returns>A task that completes when the answer is a success.</returns>
    /// <exception cref="KeapApiException">The answer is not a success.</exception>
    public static async Task EnsureKeapSuccessAsync(this HttpResponseMessage response, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var time = response.RequestMessage is { } request && request.Options.TryGetValue(KeapRequestMarks.Clock, out var clock) ? clock : TimeProvider.System;
        throw await KeapApiErrors.CreateAsync(response, time, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Checks the answer (<see cref="EnsureKeapSuccessAsync"/>) and reads its JSON body with <see cref="JsonOptions"/>.
    /// </summary>
    /// <typeparam name="T">The body's type.</typeparam>
    /// <param name="response">An answer of the pipeline's client.</param>
    /// <param name="cancellationToken">Cancels reading the body.</param>
    /// <returns>The body; never <see langword="null"/>.</returns>
    /// <exception cref="KeapApiException">The answer is not a success, or its body is empty, <c>null</c> or not JSON of
    /// <typeparamref name="T"/>'s shape (the <see cref="System.Text.Json.JsonException"/> is the inner exception).</exception>
    public static async Task<T> ReadKeapJsonAsync<T>(this HttpResponseMessage response, CancellationToken cancellationToken = default)
    {
        await response.EnsureKeapSuccessAsync(cancellationToken).ConfigureAwait(false);
        T? body;
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                body = await JsonSerializer.DeserializeAsync<T>(stream, JsonOptions, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (JsonException e)
        {
            throw KeapApiErrors.Unreadable(response, e);
        }

        return body ?? throw KeapApiErrors.Unreadable(response, null);
    }

    private static JsonSerializerOptions CreateJsonOptions()
    {
        // The shared context's options (names, converters, number handling), with reflection for the caller's types.
        var options = new JsonSerializerOptions(KeapJsonContext.Default.Options)
        {
            TypeInfoResolver = JsonTypeInfoResolver.Combine(KeapJsonContext.Default, new DefaultJsonTypeInfoResolver()),
        };
        options.MakeReadOnly();
        return options;
    }
}
