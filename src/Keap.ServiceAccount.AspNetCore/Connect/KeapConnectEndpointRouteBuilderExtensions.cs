using Keap.ServiceAccount;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the administrator's "Connect to Keap" endpoints.</summary>
public static class KeapConnectEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>POST connect</c> (redirects to Keap's consent page, <see cref="IKeapAuthorization.CreateAuthorizationUriAsync"/>)
    /// and <c>GET callback</c> (completes the authorization with Keap's answer,
    /// <see cref="IKeapAuthorization.CompleteAuthorizationAsync"/>, then redirects to <paramref name="returnPath"/> with
    /// <c>?keap={outcome}</c>, so the one-time code leaves the address bar). Map them on an admin-only group, for
    /// example <c>app.MapGroup("/admin/keap").RequireAuthorization("Admin").MapKeapConnect()</c>, and register
    /// <c>{your base URL}/admin/keap/callback</c> as <c>Keap:RedirectUri</c>.
    /// </summary>
    /// <param name="endpoints">The application or, usually, an admin route group.</param>
    /// <param name="returnPath">The local page the callback returns to, default <c>/admin</c>; it shows the outcome.</param>
    /// <returns>A convention builder over both endpoints.</returns>
    /// <exception cref="ArgumentException">
    /// <paramref name="returnPath"/> is not a local path (it must start with a single <c>/</c>; an absolute URL would
    /// let the callback send the administrator elsewhere).
    /// </exception>
    public static IEndpointConventionBuilder MapKeapConnect(this IEndpointRouteBuilder endpoints, string returnPath = "/admin")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (!IsLocalPath(returnPath))
        {
            throw new ArgumentException(
                "MapKeapConnect's returnPath must be a local path such as /admin (starting with a single '/', no scheme or host).", nameof(returnPath));
        }

        var group = endpoints.MapGroup(string.Empty);
        group.MapPost("/connect", async context =>
        {
            var keap = context.RequestServices.GetRequiredService<IKeapAuthorization>();
            var consent = await keap.CreateAuthorizationUriAsync(context.RequestAborted).ConfigureAwait(false);
            context.Response.Redirect(consent.AbsoluteUri);
        });

        // Passing the request's token is safe: once the code is sent to Keap, the exchange and the save finish anyway.
        group.MapGet("/callback", async context =>
        {
            var query = context.Request.Query;
            var keap = context.RequestServices.GetRequiredService<IKeapAuthorization>();
            var result = await keap.CompleteAuthorizationAsync(
                new KeapAuthorizationCallback(Value(query, "code"), Value(query, "state"), Value(query, "error"), Value(query, "error_description")),
                context.RequestAborted).ConfigureAwait(false);
            context.Response.Redirect(QueryHelpers.AddQueryString(returnPath, "keap", result.Outcome.ToString()));
        });
        return group;
    }

    private static string? Value(IQueryCollection query, string name) => query.TryGetValue(name, out var value) ? value.ToString() : null;

    private static bool IsLocalPath(string? path) =>
        !string.IsNullOrEmpty(path)
        && path[0] == '/'
        && (path.Length == 1 || (path[1] != '/' && path[1] != '\\'))
        && !path.Any(char.IsControl);
}
