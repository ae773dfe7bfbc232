using Keap.ServiceAccount.Tokens;
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
        });
        services.TryAddSingleton<TokenEndpointClient>();
        services.TryAddSingleton(sp => new GuardedTokenStore(sp.GetRequiredService<Keap.ServiceAccount.ITokenStore>()));
        services.TryAddSingleton<TokenCache>();
        services.TryAddSingleton<ConnectionStatusTracker>();
        services.TryAddSingleton<PendingTokenSave>();
        services.TryAddSingleton<RefreshCoordinator>();
        services.TryAddSingleton<KeapTokenManager>();
        services.TryAddSingleton<IAccessTokenProvider>(sp => sp.GetRequiredService<KeapTokenManager>());
        services.TryAddSingleton<AuthorizationStateProtector>();
        services.TryAddSingleton<IKeapAuthorization, KeapAuthorizationService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, KeapTokenRefreshService>());
        return services;
    }
}
