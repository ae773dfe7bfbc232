using Keap.ServiceAccount.DependencyInjection;
using Keap.ServiceAccount.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Keap.ServiceAccount;

public sealed partial class KeapServiceAccountBuilder
{
    /// <summary>
    /// Customises the <see cref="IHttpClientBuilder"/> of the Keap API client (for example to add a handler or set a
    /// primary handler). Handlers added here run inside the authorization handler, once per attempt.
    /// </summary>
    /// <param name="configure">Changes the client builder.</param>
    /// <returns>This builder.</returns>
    public KeapServiceAccountBuilder ConfigureHttpClient(Action<IHttpClientBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(Services.AddHttpClient(KeapApi.HttpClientName));
        return this;
    }

    /// <summary>
    /// Registers your own Refit interface for any Keap endpoint (v1 or v2) as a typed client of the package's pipeline,
    /// resolved as a transient <typeparamref name="TApi"/>: the same base address (<c>Keap:ApiBaseAddress</c>; declare
    /// paths such as <c>/rest/v2/…</c> or <c>/rest/v1/…</c>), the same token (or key) and 401 recovery, the same rate
    /// limiter, retries and circuit breaker as <see cref="IKeapContactsClient"/> and <see cref="IKeapTagsClient"/>, and
    /// Keap's JSON options (<see cref="KeapHttp.JsonOptions"/>). A POST or PATCH is sent again after a 5xx or a lost
    /// connection only when its method carries <see cref="KeapRepeatableAttribute"/>. Every failure (an error answer,
    /// a body that cannot be read, no answer, a call not sent) throws a <see cref="KeapApiException"/>, never Refit's
    /// <c>ApiException</c>. Registering the same interface twice changes nothing.
    /// </summary>
    /// <typeparam name="TApi">The Refit interface.</typeparam>
    /// <returns>This builder.</returns>
    public KeapServiceAccountBuilder AddApiClient<TApi>()
        where TApi : class
    {
        Services.AddKeapApiClient<TApi>();
        return this;
    }

    /// <summary>
    /// Registers <typeparamref name="TClient"/> as a typed client of the package's pipeline (transient; its constructor
    /// takes an <see cref="HttpClient"/>), for code that calls Keap without Refit. The client has
    /// <c>Keap:ApiBaseAddress</c> as base address (send <c>rest/v2/…</c> or <c>rest/v1/…</c>, without a leading slash) and
    /// everything <see cref="AddApiClient{TApi}"/> lists; mark a repeatable POST or PATCH with
    /// <see cref="KeapHttp.MarkKeapRepeatable(HttpRequestMessage)"/>, and read answers with
    /// <see cref="KeapHttp.ReadKeapJsonAsync{T}"/> or <see cref="KeapHttp.EnsureKeapSuccessAsync"/>, which throw a
    /// <see cref="KeapApiException"/> for an error answer. A call with no answer, or not sent, throws a
    /// <see cref="KeapApiException"/> from <c>SendAsync</c>. Code that does not want a typed client can ask
    /// <see cref="IHttpClientFactory"/> for <see cref="KeapHttp.ClientName"/>.
    /// </summary>
    /// <typeparam name="TClient">The class that takes the <see cref="HttpClient"/>.</typeparam>
    /// <returns>This builder.</returns>
    public KeapServiceAccountBuilder AddHttpClient<TClient>()
        where TClient : class
    {
        Services.AddHttpClient<TClient>(KeapApi.HttpClientName);
        return this;
    }
}
