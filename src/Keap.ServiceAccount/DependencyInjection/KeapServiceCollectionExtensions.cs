using Keap.ServiceAccount;
using Keap.ServiceAccount.Configuration;
using Keap.ServiceAccount.DependencyInjection;
using Keap.ServiceAccount.Hooks;
using Keap.ServiceAccount.Tokens.Stores;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Keap.ServiceAccount.</summary>
public static class KeapServiceCollectionExtensions
{
    /// <summary>
    /// Adds the Keap token management, authorization flow and typed API clients, configured from
    /// <paramref name="configuration"/> (usually the <c>Keap</c> section). Options are validated when the host starts.
    /// The section is read once: a configuration reload while the application runs is not applied (restart to change
    /// a setting), so a running token path never sees its credentials or windows change, nor an invalid edit.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The configuration section bound to <see cref="KeapServiceAccountOptions"/>.</param>
    /// <returns>A builder to choose the token store and customise the HTTP pipeline.</returns>
    public static KeapServiceAccountBuilder AddKeapServiceAccount(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        // Configure rather than Bind: Bind also registers a change token, which would reload the settings mid-run.
        services.AddOptions<KeapServiceAccountOptions>().Configure(options => configuration.Bind(options));
        services.AddSingleton<IValidateOptions<KeapServiceAccountOptions>>(new RenamedOptionKeys(configuration));
        return services.AddKeapServiceAccountCore(configuration);
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

    private static KeapServiceAccountBuilder AddKeapServiceAccountCore(this IServiceCollection services, IConfiguration? configuration = null)
    {
        // A key read from a secret file ends with a line break: every reader (the header, the validator) gets it trimmed.
        services.AddOptions<KeapServiceAccountOptions>()
            .PostConfigure(options => options.ServiceAccountKey = options.ServiceAccountKey?.Trim())
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KeapServiceAccountOptions>, KeapServiceAccountOptionsValidator>());

        // One instance for every reader, the one validated at start: IOptions would otherwise build its own copy on
        // first use, from whatever the configuration says by then, and fail in the middle of a call if that is invalid.
        services.TryAddSingleton<IOptions<KeapServiceAccountOptions>>(sp =>
            Options.Options.Create(sp.GetRequiredService<IOptionsMonitor<KeapServiceAccountOptions>>().CurrentValue));

        // Shared by the token path and the API pipeline: the clock and the meter factory behind their metrics.
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<ITokenStore, InMemoryTokenStore>();

        // The REST hook path secret lives beside the token; an application's own token store registers its own.
        services.TryAddSingleton<IKeapHookSecretStore>(HookSecretStores.Beside);
        services.AddKeapTokenManagement();
        services.AddKeapApiClients();
        return new KeapServiceAccountBuilder(services, configuration);
    }
}
