using System.Text.Json.Nodes;
using Keap.ServiceAccount.Sandbox.Api;
using Keap.ServiceAccount.Sandbox.OAuth;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Keap.ServiceAccount.Sandbox;

/// <summary>Hosts the Keap sandbox inside any ASP.NET Core application.</summary>
public static class KeapSandboxExtensions
{
    /// <summary>Registers the sandbox's state, faults, tokens and quotas (singletons), and <see cref="TimeProvider.System"/> unless a clock is registered.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Adjusts the <see cref="KeapSandboxOptions"/>.</param>
    /// <returns>The same service collection.</returns>
    public static IServiceCollection AddKeapSandbox(this IServiceCollection services, Action<KeapSandboxOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<KeapSandboxOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<KeapSandboxState>();
        services.TryAddSingleton(sp => new KeapSandboxFaults(sp.GetRequiredService<KeapSandboxState>()));
        services.TryAddSingleton<SandboxTokens>();
        services.TryAddSingleton<SandboxQuota>();
        services.TryAddSingleton<SandboxStateFile>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KeapSandboxOptions>, KeapSandboxHookOptionsValidator>());
        options.ValidateOnStart();
        services.TryAddSingleton(sp => new KeapSandboxHooks(
            sp.GetRequiredService<KeapSandboxState>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<KeapSandboxOptions>>(), sp.GetRequiredService<ILogger<KeapSandboxHooks>>()));
        return services;
    }

    /// <summary>
    /// Maps the consent page (<c>{prefix}/app/oauth/authorize</c>), the token endpoint (<c>{prefix}/token</c>),
    /// the v2 API (<c>{prefix}/crm/rest/v2/...</c> and <c>{prefix}/rest/v2/...</c>) and, when
    /// <see cref="KeapSandboxOptions.EnableAdminEndpoints"/> is set, <c>{prefix}/sandbox/faults</c> and <c>{prefix}/sandbox/reset</c>.
    /// With <see cref="KeapSandboxOptions.StateFile"/> set, loads the state from that file first; then defines the
    /// <see cref="KeapSandboxOptions.CustomFields"/> and <see cref="KeapSandboxOptions.Tags"/> not yet there. Paths and
    /// methods under the sandbox's own paths that it does not serve answer 404 or 405 with Keap's error body.
    /// </summary>
    /// <param name="endpoints">The application's endpoint builder.</param>
    /// <param name="prefix">A path prefix such as <c>"/keap-sandbox"</c>; empty serves at the root.</param>
    /// <returns>The route group, to add conventions such as host filters.</returns>
    /// <exception cref="InvalidOperationException"><see cref="AddKeapSandbox"/> was not called, the state file exists but cannot be read, or a custom field or tag to define is invalid (the message names its configuration key).</exception>
    public static RouteGroupBuilder MapKeapSandbox(this IEndpointRouteBuilder endpoints, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(prefix);
        if (endpoints.ServiceProvider.GetService<KeapSandboxState>() is null)
        {
            throw new InvalidOperationException("Call services.AddKeapSandbox() before app.MapKeapSandbox().");
        }

        var group = endpoints.MapGroup(prefix.Length == 0 ? "/" : "/" + prefix.Trim('/'));
        var stateFile = endpoints.ServiceProvider.GetRequiredService<SandboxStateFile>();
        if (stateFile.Path is not null)
        {
            stateFile.Load();
            group.AddEndpointFilter(async (context, next) =>
            {
                var result = await next(context).ConfigureAwait(false);
                // Saved before the response goes out: whoever received a token or an id can count on it surviving a restart.
                var request = context.HttpContext.Request;
                if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method)
                    || context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<ChangesSandboxState>() is not null)
                {
                    stateFile.Save();
                }

                return result;
            });
        }

        var services = endpoints.ServiceProvider;
        if (SandboxSeeds.Apply(
            services.GetRequiredService<KeapSandboxState>(),
            services.GetRequiredService<IOptions<KeapSandboxOptions>>().Value,
            services.GetRequiredService<TimeProvider>()))
        {
            stateFile.Save();
        }
        OAuthEndpoints.Map(group);
        ApiEndpoints.Map(group);
        HookEndpoints.Map(group);
        NotServedEndpoints.MapUnder(group);
        var sources = endpoints.DataSources;
        endpoints.ServiceProvider.GetRequiredService<KeapSandboxFaults>().AddRoutes(() => ApiEndpoints.RouteKeys(sources.SelectMany(s => s.Endpoints)));
        if (endpoints.ServiceProvider.GetRequiredService<IOptions<KeapSandboxOptions>>().Value.EnableAdminEndpoints)
        {
            MapAdmin(group);
        }

        return group;
    }

    private static void MapAdmin(RouteGroupBuilder group)
    {
        // Body: {"route":"POST rest/v2/contacts","fault":"ServiceUnavailable","count":2}.
        group.MapPost("/sandbox/faults", async (HttpRequest request, KeapSandboxFaults faults) =>
        {
            var body = await JsonNode.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted).ConfigureAwait(false);
            var route = body?["route"]?.ToString();
            var count = body?["count"]?.GetValue<int>() ?? 1;
            if (string.IsNullOrWhiteSpace(route) || count < 1
                || !Enum.TryParse<KeapSandboxFault>(body?["fault"]?.ToString(), ignoreCase: true, out var fault))
            {
                return SandboxResults.KeapError(StatusCodes.Status400BadRequest, "INVALID_ARGUMENT",
                    "Expected {\"route\":\"POST rest/v2/contacts\",\"fault\":\"ServiceUnavailable\",\"count\":1}");
            }

            try
            {
                faults.Inject(route, fault, count);
            }
            catch (ArgumentException e)
            {
                return SandboxResults.KeapError(StatusCodes.Status400BadRequest, "INVALID_ARGUMENT", e.Message);
            }

            return Results.NoContent();
        }).DisableAntiforgery();
        group.MapDelete("/sandbox/faults", (KeapSandboxFaults faults) =>
        {
            faults.Clear();
            return Results.NoContent();
        });
        group.MapPost("/sandbox/reset", (KeapSandboxState state) =>
        {
            state.Reset();
            return Results.NoContent();
        }).DisableAntiforgery();
    }
}

/// <summary>Marks a GET endpoint that changes the sandbox's state (the consent page issues a nonce), so a state file saves after it.</summary>
internal sealed class ChangesSandboxState
{
    public static readonly ChangesSandboxState Instance = new();
}
