using Microsoft.AspNetCore.Routing.Template;

namespace Keap.ServiceAccount.Sandbox;

/// <summary>
/// Answers a path or method the sandbox does not serve with Keap's error body (<c>{code, message, status, details}</c>):
/// 405 with <c>Allow</c> when another method is served there, 404 otherwise; never ASP.NET Core's empty answers.
/// </summary>
internal static class NotServedEndpoints
{
    // After every real route: a catch-all only answers what nothing else matched.
    private const int Last = int.MaxValue - 1;

    /// <summary>Maps the answer under the sandbox's own paths only, so a host app's routes and fallback stay its own.</summary>
    public static void MapUnder(IEndpointRouteBuilder group)
    {
        foreach (var pattern in new[] { "/rest/{**rest}", "/crm/{**rest}", "/app/oauth/{**rest}", "/token", "/sandbox/{**rest}" })
        {
            group.Map(pattern, Answer).WithOrder(Last).DisableAntiforgery();
        }
    }

    /// <summary>Maps the answer for every path (the standalone sandbox and <see cref="KeapSandboxServer"/>, which serve nothing else).</summary>
    public static void MapEverywhere(IEndpointRouteBuilder app) =>
        app.Map("/{**path}", Answer).WithOrder(int.MaxValue).DisableAntiforgery();

    private static IResult Answer(HttpContext context)
    {
        var request = context.Request;
        var path = request.PathBase + request.Path;
        var allowed = AllowedMethods(context.RequestServices.GetRequiredService<EndpointDataSource>(), request.Path);
        // The message names the method and path only: a query string may carry a state or a code.
        if (allowed.Count > 0)
        {
            context.Response.Headers.Allow = string.Join(", ", allowed);
            return SandboxResults.KeapError(
                StatusCodes.Status405MethodNotAllowed,
                "METHOD_NOT_ALLOWED",
                $"{request.Method} is not served on {path} by the Keap sandbox; it serves {string.Join(", ", allowed)} there");
        }

        return SandboxResults.KeapError(
            StatusCodes.Status404NotFound, "NOT_FOUND", $"{request.Method} {path} is not a route the Keap sandbox serves");
    }

    private static List<string> AllowedMethods(EndpointDataSource endpoints, PathString path)
    {
        var methods = new List<string>();
        foreach (var endpoint in endpoints.Endpoints.OfType<RouteEndpoint>())
        {
            if (endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is not { Count: > 0 } served
                || !new TemplateMatcher(new RouteTemplate(endpoint.RoutePattern), new RouteValueDictionary()).TryMatch(path, new RouteValueDictionary()))
            {
                continue;
            }

            methods.AddRange(served.Where(m => !methods.Contains(m, StringComparer.Ordinal)));
        }

        return methods;
    }
}
