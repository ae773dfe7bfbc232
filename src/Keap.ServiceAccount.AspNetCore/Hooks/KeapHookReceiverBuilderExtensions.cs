using Keap.ServiceAccount.AspNetCore.Hooks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Keap.ServiceAccount;

/// <summary>Registers the REST hook receiver that <c>MapKeapHooks</c> maps.</summary>
public static class KeapHookReceiverBuilderExtensions
{
    /// <summary>
    /// Registers the REST hook receiver and the application's <typeparamref name="THandler"/> (scoped: one per
    /// delivery, in a scope of its own that lasts until the handler returns, even past the receiver's answer), with <see cref="KeapHookReceiverOptions"/> bound from the
    /// application's <c>Keap:Hooks</c> configuration and validated when the host starts. The path secret
    /// (<see cref="IKeapHookSecretStore"/>) and the event keys the receiver accepts (<see cref="KeapHookOptions.EventKeys"/>)
    /// come from the package's hook subscriptions (<c>AddHooks</c>).
    /// </summary>
    /// <typeparam name="THandler">The application's handler: it stores or applies a delivery before returning.</typeparam>
    /// <param name="builder">The builder <c>AddKeapServiceAccount</c> returned.</param>
    /// <param name="configure">Changes the receiver's options after they are bound from configuration.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    public static KeapServiceAccountBuilder AddHookReceiver<THandler>(this KeapServiceAccountBuilder builder, Action<KeapHookReceiverOptions>? configure = null)
        where THandler : class, IKeapHookHandler
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<KeapHookReceiverOptions>()
            // Configure rather than BindConfiguration: a reload mid-run does not change the limits under a delivery.
            .Configure<IServiceProvider>((o, sp) => sp.GetService<IConfiguration>()?.GetSection(KeapHookReceiverOptions.SectionName).Bind(o))
            .ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KeapHookReceiverOptions>, KeapHookReceiverOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<HookReceiver>();
        services.RemoveAll<IKeapHookHandler>();
        services.AddScoped<IKeapHookHandler, THandler>();
        return builder;
    }
}
