using Keap.ServiceAccount.Sandbox.OAuth;
using Microsoft.Extensions.Options;
using static Keap.ServiceAccount.Sandbox.Api.ContactEndpoints;
using static Keap.ServiceAccount.Sandbox.Api.TagEndpoints;

namespace Keap.ServiceAccount.Sandbox.Api;

/// <summary>The v2 contacts and tags endpoints, served under both <c>/crm/rest/v2</c> and <c>/rest/v2</c>: routes, and the guard every request passes.</summary>
internal static class ApiEndpoints
{
    // v2 and v1 (hooks) routes alike: the key starts at "rest/v".
    private const string RoutePrefix = "rest/v";

    public static void Map(IEndpointRouteBuilder routes)
    {
        foreach (var basePath in new[] { "/crm/rest/v2", "/rest/v2" })
        {
            var api = routes.MapGroup(basePath).AddEndpointFilter(GuardAsync).DisableAntiforgery();
            // Each route names the query parameters it implements; any other is refused by the guard, never ignored.
            string[] list = ["filter", "order_by", "page_size", "page_token"];
            api.MapPost("/contacts", CreateContactAsync).WithMetadata(new QueryParameters("duplicate_option", "fields"));
            api.MapGet("/contacts", ListContacts).WithMetadata(new QueryParameters([.. list, "fields"]));
            api.MapGet("/contacts/model", ContactModel).WithMetadata(QueryParameters.None);
            api.MapGet("/contacts/{id}", GetContact).WithMetadata(new QueryParameters("fields"));
            api.MapPatch("/contacts/{id}", PatchContactAsync).WithMetadata(new QueryParameters("update_mask", "fields"));
            api.MapDelete("/contacts/{id}", DeleteContact).WithMetadata(QueryParameters.None);
            api.MapGet("/contacts/{id}/tags", ContactTags).WithMetadata(new QueryParameters(list));
            api.MapGet("/tags", ListTags).WithMetadata(new QueryParameters(list));
            api.MapPost("/tags", CreateTagAsync).WithMetadata(QueryParameters.None);
            api.MapGet("/tags/{id}", GetTag).WithMetadata(QueryParameters.None);
            api.MapDelete("/tags/{id}", DeleteTag).WithMetadata(QueryParameters.None);
            api.MapPost("/tags/{id}/contacts:applyTags", ApplyTagsAsync).WithMetadata(QueryParameters.None);
            api.MapPost("/tags/{id}/contacts:removeTags", RemoveTagsAsync).WithMetadata(QueryParameters.None);
            api.MapGet("/emailAddresses/{email}/status", EmailStatus).WithMetadata(QueryParameters.None);
            api.MapPatch("/emailAddresses/{email}/status", ChangeEmailStatusAsync).WithMetadata(QueryParameters.None);
        }
    }

    /// <summary>
    /// Counts the request, checks the credential, spends quota and plays queued faults, in Keap's order, then refuses
    /// a query parameter the route does not implement.
    /// </summary>
    internal static async ValueTask<object?> GuardAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        var services = context.RequestServices;
        var state = services.GetRequiredService<KeapSandboxState>();
        var route = RouteKey(context);
        state.CountApiRequest(route);

        if (!IsAuthenticated(context.Request, services))
        {
            return SandboxResults.KeapError(StatusCodes.Status401Unauthorized, "UNAUTHENTICATED", "Invalid or expired access token");
        }

        var admission = services.GetRequiredService<SandboxQuota>().TryAcquire(context.Response);
        if (admission != SandboxAdmission.Allowed)
        {
            return SandboxResults.Refusal(services.GetRequiredService<IOptions<KeapSandboxOptions>>().Value, admission == SandboxAdmission.SpikeArrest);
        }

        if (await SandboxResults.PlayFaultAsync(context, services.GetRequiredService<KeapSandboxFaults>(), route).ConfigureAwait(false) is { } fault)
        {
            return fault;
        }

        var known = context.GetEndpoint()?.Metadata.GetMetadata<QueryParameters>() ?? QueryParameters.None;
        return context.Request.Query.Keys.FirstOrDefault(k => !known.Names.Contains(k, StringComparer.Ordinal)) is { } unknown
            ? ApiErrors.BadRequest(known.Names.Count == 0
                ? $"Query parameter '{unknown}' is not implemented by the Keap sandbox on this route, which takes none"
                : $"Query parameter '{unknown}' is not implemented by the Keap sandbox on this route; it takes {string.Join(", ", known.Names)}")
            : await next(invocation).ConfigureAwait(false);
    }

    internal static string RouteKey(HttpContext context) =>
        RouteKey(context.Request.Method, (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? context.Request.Path.Value ?? "");

    private static string RouteKey(string method, string pattern)
    {
        var at = pattern.IndexOf(RoutePrefix, StringComparison.Ordinal);
        return $"{method} {(at < 0 ? pattern : pattern[at..])}";
    }

    /// <summary>The keys of the API routes among <paramref name="endpoints"/>, for checking fault injections.</summary>
    internal static IEnumerable<string> RouteKeys(IEnumerable<Endpoint> endpoints) =>
        from endpoint in endpoints.OfType<RouteEndpoint>()
        let pattern = endpoint.RoutePattern.RawText ?? ""
        where pattern.Contains(RoutePrefix, StringComparison.Ordinal)
        from method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []
        select RouteKey(method, pattern);

    private static bool IsAuthenticated(HttpRequest request, IServiceProvider services)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return services.GetRequiredService<SandboxTokens>().IsValidAccessToken(authorization[7..].Trim());
        }

        var key = request.Headers["X-Keap-API-Key"].ToString();
        return key.Length > 0
            && services.GetRequiredService<IOptions<KeapSandboxOptions>>().Value.ServiceAccountKeys.Contains(key, StringComparer.Ordinal);
    }
}

/// <summary>The query parameters an API route implements (endpoint metadata read by the guard).</summary>
/// <param name="names">The parameter names, as Keap's spec spells them.</param>
internal sealed class QueryParameters(params string[] names)
{
    public static readonly QueryParameters None = new();

    public IReadOnlyList<string> Names { get; } = names;
}
