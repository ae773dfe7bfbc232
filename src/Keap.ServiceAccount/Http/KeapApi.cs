using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;

namespace Keap.ServiceAccount.Http;

/// <summary>The named <see cref="HttpClient"/> of the API pipeline.</summary>
internal static class KeapApi
{
    /// <summary>
    /// The name of the <see cref="HttpClient"/> every API call goes through: the registration builds its handler chain
    /// under this name, and <see cref="KeapApi{TApi}"/> reads that client's handler lifetime.
    /// </summary>
    public const string HttpClientName = "Keap.ServiceAccount.Api";
}

/// <summary>
/// Gives the long-lived typed clients their Refit client. Each one is a typed client of <see cref="IHttpClientFactory"/>,
/// kept for the factory's handler lifetime (<see cref="HttpClientFactoryOptions.HandlerLifetime"/>, two minutes unless
/// the application changes it; for good when it is infinite) and then replaced, so that the factory's handler rotation
/// (connection lifetime, DNS changes) still takes effect. A new client per operation would do the same at about 0.3 KB
/// a call; holding one forever would pin one handler.
/// </summary>
/// <typeparam name="TApi">The Refit interface, registered with <c>AddRefitClient</c>.</typeparam>
internal sealed class KeapApi<TApi>(IServiceProvider services, IOptionsMonitor<HttpClientFactoryOptions> factoryOptions, TimeProvider time)
    where TApi : class
{
    private Lease? _current;

    public TApi Create()
    {
        var now = time.GetTimestamp();
        var current = Volatile.Read(ref _current);
        var lifetime = factoryOptions.Get(KeapApi.HttpClientName).HandlerLifetime;
        if (current is not null && (lifetime == Timeout.InfiniteTimeSpan || time.GetElapsedTime(current.Since, now) < lifetime))
        {
            return current.Api;
        }

        // Two callers may both replace an expired client; either is fine, both come from the factory.
        current = new Lease(services.GetRequiredService<TApi>(), now);
        Volatile.Write(ref _current, current);
        return current.Api;
    }

    private sealed record Lease(TApi Api, long Since);
}
