using Keap.ServiceAccount.Tokens;
using Keap.ServiceAccount.Tokens.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Keap.ServiceAccount.DependencyInjection;

/// <summary>Registers the token path: manager, authorization flow, background renewal, token endpoint client.</summary>
internal static class TokenServiceCollectionExtensions
{
    public static IServiceCollection AddKeapTokenManagement(this IServiceCollection services)
    {
        services.AddHttpClient(TokenEndpointClient.HttpClientName, client =>
            {
                // TokenRequestTimeout governs each call, on TimeProvider.
                client.Timeout = Timeout.InfiniteTimeSpan;
            })

            // Handlers an application adds to every client (ConfigureHttpClientDefaults, such as a standard resilience
            // handler) run first and are dropped here: their attempt timeouts and retries would present the single-use
            // refresh token again while Keap may have rotated it. The refresh decides its own retries under the lease.
            .ConfigureAdditionalHttpMessageHandlers(static (handlers, _) => handlers.Clear());
        services.TryAddSingleton<TokenEndpointClient>();
        services.TryAddSingleton(sp => new GuardedTokenStore(sp.GetRequiredService<Keap.ServiceAccount.ITokenStore>()));
        services.TryAddSingleton<RefreshSchedule>();
        services.TryAddSingleton<TokenCache>();
        services.TryAddSingleton<ConnectionStatusTracker>();
        services.TryAddSingleton<PendingTokenSave>();
        services.TryAddSingleton<RefreshBackoff>();
        services.TryAddSingleton<RefreshRecorder>();
        services.TryAddSingleton<RefreshCoordinator>();
        services.TryAddSingleton<KeapTokenManager>();
        services.TryAddSingleton<IAccessTokenProvider>(sp => sp.GetRequiredService<KeapTokenManager>());
        services.TryAddSingleton<AuthorizationStateProtector>();
        services.TryAddSingleton<IKeapAuthorization, KeapAuthorizationService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, KeapTokenRefreshService>());
        return services;
    }
}
