using Keap.ServiceAccount.Sandbox.OAuth;
using Microsoft.Extensions.Options;
using static Keap.ServiceAccount.Sandbox.Api.ContactEndpoints;
using static Keap.ServiceAccount.Sandbox.Api.TagEndpoints;

namespace Keap.ServiceAccount.Sandbox.Api;

/// <summary>The v2 contacts and tags endpoints, served under both <c>/crm/rest/v2</c> and <c>/rest/v2</c>: routes, and the guard every request passes.</summary>
internal static class ApiEndpoints
{
    private const string RoutePrefix = "rest/v2/";

    public static void Map(IEndpointRouteBuilder routes)
    {
        foreach (var basePath in new[] { "/crm/rest/v2", "/rest/v2" })
        {
            var api = routes.MapGroup(basePath).AddEndpointFilter(GuardAsync).DisableAntiforgery();
            api.MapPost("/contacts", CreateContactAsync);
            api.MapGet("/contacts", ListContacts);
            api.MapGet("/contacts/model", ContactModel);
            api.MapGet("/contacts/{id}", GetContact);
            api.MapPatch("/contacts/{id}", PatchContactAsync);
            api.MapDelete("/contacts/{id}", DeleteContact);
            api.MapGet("/contacts/{id}/tags", ContactTags);
            api.MapGet("/tags", ListTags);
            api.MapPost("/tags", CreateTagAsync);
            api.MapGet("/tags/{id}", GetTag);
            api.MapDelete("/tags/{id}", DeleteTag);
            api.MapPost("/tags/{id}/contacts:applyTags", ApplyTagsAsync);
            api.MapPost("/tags/{id}/contacts:removeTags", RemoveTagsAsync);
            api.MapGet("/emailAddresses/{email}/status", EmailStatus);
            api.MapPatch("/emailAddresses/{email}/status", ChangeEmailStatusAsync);
        }
    }

    /// <summary>Counts the request, checks the credential, spends quota and plays queued faults, in Keap's order.</summary>
    private static async ValueTask<object?> GuardAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
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

        return await SandboxResults.PlayFaultAsync(context, services.GetRequiredService<KeapSandboxFaults>(), route).ConfigureAwait(false)
            ?? await next(invocation).ConfigureAwait(false);
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
