using Keap.ServiceAccount;
using Keap.ServiceAccount.AspNetCore.Hooks;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps Keap's REST hook receiver.</summary>
public static class KeapHookEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>POST {pattern}/{secret}</c>, the URL Keap delivers REST hooks to (<c>Keap:Hooks:ReceiverUrl</c> is the
    /// public address of <paramref name="pattern"/>). A request whose path secret is not the stored one, or whose method
    /// is not <c>POST</c>, gets <c>404</c>, as an unknown path does; one carrying <c>X-Hook-Secret</c> gets <c>200</c> with the header echoed (Keap's handshake); a
    /// delivery gets <c>413</c> (body over <c>Keap:Hooks:MaxRequestBodySize</c>), <c>415</c> (not JSON), <c>400</c>
    /// (not a delivery's shape), <c>422</c> (an event key not in <c>Keap:Hooks:EventKeys</c>), <c>503</c> (the handler
    /// threw or ran past <c>Keap:Hooks:HandlerTimeout</c>, so Keap delivers again), or <c>200</c> once the
    /// <see cref="IKeapHookHandler"/> returned. Never <c>410</c>, which would make Keap deactivate the subscription.
    /// No authorization applies (Keap cannot sign in); chain a rate limiter on the result if you wish.
    /// </summary>
    /// <param name="endpoints">The application or a route group.</param>
    /// <param name="pattern">The receiver's path, default <c>/keap/hooks</c>.</param>
    /// <returns>The endpoint's convention builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="pattern"/> is blank.</exception>
    /// <exception cref="InvalidOperationException">
    /// <c>AddHookReceiver</c> or <c>AddHooks</c> was not called (no <c>Keap:Hooks:EventKeys</c> or no <see cref="IKeapHookSecretStore"/>).
    /// </exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The <c>Keap:Hooks</c> receiver settings are invalid.</exception>
    public static IEndpointConventionBuilder MapKeapHooks(this IEndpointRouteBuilder endpoints, string pattern = "/keap/hooks")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        var services = endpoints.ServiceProvider;
        var receiver = services.GetService<HookReceiver>() ?? throw new InvalidOperationException(
            "MapKeapHooks needs the REST hook receiver: call AddKeapServiceAccount(...).AddHookReceiver<YourHandler>() when registering services.");
        // The core registers a secret store with every token store, so a missing AddHooks shows as no event keys: without
        // this check every delivery would be refused 422 at run time.
        if (services.GetService<IServiceProviderIsService>() is { } isService && !isService.IsService(typeof(IKeapHookSecretStore))
            || services.GetRequiredService<IOptions<KeapHookOptions>>().Value.EventKeys.Count == 0)
        {
            throw new InvalidOperationException(
                "MapKeapHooks needs AddHooks(): it accepts the event keys of Keap:Hooks:EventKeys (none are configured) on the path secret of an " +
                "IKeapHookSecretStore. Call AddKeapServiceAccount(...).AddHooks() when registering services.");
        }

        // The secret is optional in the route so that a request without one is refused and logged like a wrong one.
        // Every method, not only POST: a 405 for a GET would tell a prober the receiver is there; it answers 404 instead.
        return endpoints.Map(pattern.TrimEnd('/') + "/{" + HookReceiver.SecretRouteValue + "?}", receiver.HandleAsync)
            .WithDisplayName("Keap REST hook receiver");
    }
}
