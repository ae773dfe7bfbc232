using Keap.ServiceAccount.Tokens;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the token path: manager, authorization flow, background renewal, token endpoint client, validation.</summary>
internal static class TokenServiceCollectionExtensions
{
    public static IServiceCollection AddKeapTokenManagement(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<Keap.ServiceAccount.KeapServiceAccountOptions>, TokenOptionsValidator>());
        services.AddHttpClient(TokenEndpointClient.HttpClientName, client =>
        {
            // TokenRequestTimeout governs each call, on TimeProvider.
            client.Timeout = Timeout.InfiniteTimeSpan;
        });
        services.TryAddSingleton<TokenEndpointClient>();
        services.TryAddSingleton(sp => new GuardedTokenStore(sp.GetRequiredService<Keap.ServiceAccount.ITokenStore>()));
        services.TryAddSingleton<TokenCache>();
        services.TryAddSingleton<ConnectionStatusTracker>();
        services.TryAddSingleton<RefreshCoordinator>();
        services.TryAddSingleton<KeapTokenManager>();
        services.TryAddSingleton<IAccessTokenProvider>(sp => sp.GetRequiredService<KeapTokenManager>());
        services.TryAddSingleton<AuthorizationStateProtector>();
        services.TryAddSingleton<Keap.ServiceAccount.IKeapAuthorization, KeapAuthorizationService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, KeapTokenRefreshService>());
        return services;
    }
}
