using Keap.ServiceAccount.Hooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Keap.ServiceAccount;

public sealed partial class KeapServiceAccountBuilder
{
    /// <summary>
    /// Keeps the application subscribed to Keap's REST hooks: binds <c>Keap:Hooks</c> (<see cref="KeapHookOptions"/>,
    /// from the section given to <c>AddKeapServiceAccount</c>, then <paramref name="configure"/>), validated at start-up
    /// with the key named in the message, and registers <see cref="IKeapHookSubscriptions"/> and a hosted service that
    /// reconciles the subscriptions once the host has started and the application is connected, right after a
    /// connection is made, and every <c>Keap:Hooks:ReconcileInterval</c>. Map the receiver (<c>MapKeapHooks</c> in
    /// <c>Keap.ServiceAccount.AspNetCore</c>) at <c>Keap:Hooks:ReceiverUrl</c>: Keap verifies it during each subscribe.
    /// </summary>
    /// <param name="configure">Changes the options after binding, for example in tests.</param>
    /// <returns>This builder.</returns>
    /// <remarks>
    /// The path secret comes from <see cref="IKeapHookSecretStore"/>: beside the token for the built-in token stores; an
    /// application with its own <see cref="ITokenStore"/> registers one with <see cref="UseHookSecretStore{TStore}"/>,
    /// or the host fails to start with a message saying so.
    /// </remarks>
    public KeapServiceAccountBuilder AddHooks(Action<KeapHookOptions>? configure = null)
    {
        var hookOptions = Services.AddOptions<KeapHookOptions>();
        if (Configuration?.GetSection("Hooks") is { } section)
        {
            // Configure rather than Bind: Bind also registers a change token, which would reload the settings mid-run.
            hookOptions.Configure(options => Microsoft.Extensions.Configuration.ConfigurationBinder.Bind(section, options));
        }

        if (configure is not null)
        {
            hookOptions.Configure(configure);
        }

        hookOptions.ValidateOnStart();
        Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KeapHookOptions>, KeapHookOptionsValidator>());
        Services.TryAddSingleton<IKeapHookSubscriptions, KeapHookReconciler>();
        Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, KeapHookReconcileService>());
        return this;
    }

    /// <summary>
    /// Keeps the REST hook receiver's path secret in <typeparamref name="TStore"/> (a singleton), for an application
    /// whose <see cref="ITokenStore"/> is its own; the built-in token stores keep it beside the token without this.
    /// </summary>
    /// <typeparam name="TStore">The secret store type.</typeparam>
    /// <returns>This builder.</returns>
    public KeapServiceAccountBuilder UseHookSecretStore<TStore>()
        where TStore : class, IKeapHookSecretStore
    {
        Services.RemoveAll<IKeapHookSecretStore>();
        Services.AddSingleton<IKeapHookSecretStore, TStore>();
        return this;
    }

    /// <summary>Keeps the REST hook receiver's path secret in the store <paramref name="factory"/> creates (once, as a singleton).</summary>
    /// <param name="factory">Creates the store.</param>
    /// <returns>This builder.</returns>
    public KeapServiceAccountBuilder UseHookSecretStore(Func<IServiceProvider, IKeapHookSecretStore> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Services.RemoveAll<IKeapHookSecretStore>();
        Services.AddSingleton(factory);
        return this;
    }
}
