using Keap.ServiceAccount.Contacts;
using Keap.ServiceAccount.Diagnostics;
using Keap.ServiceAccount.Hooks;
using Keap.ServiceAccount.Http;
using Keap.ServiceAccount.Tags;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Refit;

namespace Keap.ServiceAccount.DependencyInjection;

/// <summary>Registers the typed API clients and their HTTP pipeline.</summary>
internal static class KeapApiServiceCollectionExtensions
{
    // One serializer per feature: each folder's JSON context names only its own types.
    private static readonly SystemTextJsonContentSerializer ContactsSerializer = new(ContactsJsonContext.Default.Options);
    private static readonly SystemTextJsonContentSerializer TagsSerializer = new(TagsJsonContext.Default.Options);
    private static readonly SystemTextJsonContentSerializer HooksSerializer = new(HooksJsonContext.Default.Options);

    public static IServiceCollection AddKeapApiClients(this IServiceCollection services)
    {
        // A second AddKeapServiceAccount must not stack a second pipeline onto the same named client.
        if (services.Any(d => d.ServiceType == typeof(KeapQuotaMonitor)))
        {
            return services;
        }

        services.TryAddSingleton<KeapQuotaMonitor>();
        services.TryAddSingleton<IKeapQuotaMonitor>(sp => sp.GetRequiredService<KeapQuotaMonitor>());
        services.TryAddSingleton<KeapRateLimiter>();
        services.TryAddSingleton<IKeapApiGauges, KeapApiGauges>();
        services.TryAddSingleton<KeapApiMetrics>();
        services.TryAddSingleton<KeapResilience>();
        services.TryAddTransient<KeapQuotaHandler>();
        services.TryAddTransient<KeapAuthorizationHandler>();
        services.TryAddTransient<KeapTransportErrorHandler>();

        // Order matters: the transport errors' mapping outermost, then resilience (with the rate limiter), then the quota figures per attempt, then auth so each attempt carries the current token.
        var client = services.AddHttpClient(KeapApi.HttpClientName, (sp, http) =>
        {
            var options = sp.GetRequiredService<IOptions<KeapServiceAccountOptions>>().Value;
            http.BaseAddress = options.ApiBaseAddress;

            // The resilience pipeline owns the timeouts.
            http.Timeout = Timeout.InfiniteTimeSpan;
        });
        client.RemoveAllLoggers();
        client.AddHttpMessageHandler<KeapTransportErrorHandler>();
        client.AddHttpMessageHandler(sp => new ResilienceHandler(sp.GetRequiredService<KeapResilience>().Pipeline));
        client.AddHttpMessageHandler<KeapQuotaHandler>();
        client.AddHttpMessageHandler<KeapAuthorizationHandler>();

        // The Refit interfaces are all typed clients of the one named client: one handler chain, one circuit breaker.
        services.AddRefitGeneratedClient<IKeapContactsApi>(sp => CreateRefitSettings(sp, ContactsSerializer), KeapApi.HttpClientName);
        services.AddRefitGeneratedClient<IKeapTagsApi>(sp => CreateRefitSettings(sp, TagsSerializer), KeapApi.HttpClientName);
        services.AddRefitGeneratedClient<IKeapHooksApi>(sp => CreateRefitSettings(sp, HooksSerializer), KeapApi.HttpClientName);
        services.TryAddSingleton(typeof(KeapApi<>));
        services.TryAddSingleton<IKeapContactsClient, KeapContactsClient>();
        services.TryAddSingleton<IKeapTagsClient, KeapTagsClient>();
        services.TryAddSingleton<IKeapHooksClient, KeapHooksClient>();
        return services;
    }

    /// <summary>
    /// Registers the application's own Refit interface as one more typed client of the pipeline's client, with the
    /// typed clients' error mapping and Keap's JSON options; a second registration of the same interface changes nothing.
    /// </summary>
    public static void AddKeapApiClient<TApi>(this IServiceCollection services)
        where TApi : class
    {
        if (services.Any(d => d.ServiceType == typeof(TApi)))
        {
            return;
        }

        // Built by Refit's source generator in the application's project (it references Refit for that), as the typed
        // clients are here: Refit's reflection builder is a separate package the pipeline does not need.
        services.AddRefitGeneratedClient<TApi>(sp => CreateRefitSettings(sp, KeapCustomContentSerializer.Instance), KeapApi.HttpClientName);
    }

    // Per service provider: the error mapping measures a Retry-After date or a quota expiry from its TimeProvider.
    private static RefitSettings CreateRefitSettings(IServiceProvider services, IHttpContentSerializer serializer)
    {
        var time = services.GetRequiredService<TimeProvider>();
        return new RefitSettings
        {
            ContentSerializer = serializer,
            ExceptionFactory = response => KeapApiErrors.ExceptionFactoryAsync(response, time),
            TransportExceptionFactory = KeapApiErrors.FromTransportFailure,
            DeserializationExceptionFactory = KeapApiErrors.FromUnreadableBody,
        };
    }
}
