using Keap.ServiceAccount;
using Keap.ServiceAccount.Http;
using Keap.ServiceAccount.Tokens.Stores;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Keap.ServiceAccount.</summary>
public static class KeapServiceCollectionExtensions
{
    /// <summary>
    /// Adds the Keap token management, authorization flow and typed API clients, configured from
    /// <paramref name="configuration"/> (usually the <c>Keap</c> section). Options are validated when the host starts.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The configuration section bound to <see cref="KeapServiceAccountOptions"/>.</param>
    /// <returns>A builder to choose the token store and customise the HTTP pipeline.</returns>
    public static KeapServiceAccountBuilder AddKeapServiceAccount(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<KeapServiceAccountOptions>().Bind(configuration);
        return services.AddKeapServiceAccountCore();
    }

    /// <summary>
    /// Adds the Keap token management, authorization flow and typed API clients, configured by
    /// <paramref name="configure"/>. Options are validated when the host starts.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>A builder to choose the token store and customise the HTTP pipeline.</returns>
    public static KeapServiceAccountBuilder AddKeapServiceAccount(this IServiceCollection services, Action<KeapServiceAccountOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<KeapServiceAccountOptions>().Configure(configure);
        return services.AddKeapServiceAccountCore();
    }

    private static KeapServiceAccountBuilder AddKeapServiceAccountCore(this IServiceCollection services)
    {
        services.AddOptions<KeapServiceAccountOptions>().ValidateOnStart();
        // Shared by the token path and the API pipeline: the clock and the meter factory behind their metrics.
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<ITokenStore, InMemoryTokenStore>();
        services.AddKeapTokenManagement();
        services.AddKeapApiClients();
        return new KeapServiceAccountBuilder(services);
    }
}
