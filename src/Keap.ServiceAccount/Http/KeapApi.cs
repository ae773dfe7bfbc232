using Microsoft.Extensions.DependencyInjection;

namespace Keap.ServiceAccount.Http;

/// <summary>
/// Gives the long-lived typed clients a Refit client per operation. Each one is a typed client of
/// <see cref="IHttpClientFactory"/>, so every operation runs on the factory's current handler chain and the factory's
/// handler rotation (connection lifetime, DNS changes) takes effect; holding one Refit client would pin one handler forever.
/// </summary>
/// <typeparam name="TApi">The Refit interface, registered with <c>AddRefitClient</c>.</typeparam>
internal sealed class KeapApi<TApi>(IServiceProvider services)
    where TApi : class
{
    public TApi Create() => services.GetRequiredService<TApi>();
}
