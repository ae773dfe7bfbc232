using Keap.ServiceAccount;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace MyApp;

/// <summary>"Connect to Keap" and the OAuth callback, for an admin area.</summary>
public static class KeapConnectEndpoints
{
    /// <summary>Maps <c>POST connect</c> and <c>GET callback</c> under <paramref name="admin"/>.</summary>
    public static RouteGroupBuilder MapKeapConnect(this RouteGroupBuilder admin)
    {
        // The admin's "Connect to Keap" button posts here and goes on to Keap's consent page.
        admin.MapPost("/connect", async (IKeapAuthorization keap, CancellationToken cancellationToken) =>
            Results.Redirect((await keap.CreateAuthorizationUriAsync(cancellationToken)).AbsoluteUri));

        // Keap sends the admin back here: register {your base URL}/admin/keap/callback as the app's redirect URI.
        admin.MapGet("/callback", async (
            string? code,
            string? state,
            string? error,
            [FromQuery(Name = "error_description")] string? errorDescription,
            IKeapAuthorization keap,
            CancellationToken cancellationToken) =>
        {
            var result = await keap.CompleteAuthorizationAsync(new KeapAuthorizationCallback(code, state, error, errorDescription), cancellationToken);
            // Redirect at once, so the one-time code leaves the address bar and a reload cannot replay it.
            return Results.Redirect($"/admin?keap={result.Outcome}");
        });
        return admin;
    }
}
