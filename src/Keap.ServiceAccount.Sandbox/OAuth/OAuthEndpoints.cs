using System.Text;
using Microsoft.AspNetCore.Http.Extensions;

namespace Keap.ServiceAccount.Sandbox.OAuth;

/// <summary>The consent page (<c>/app/oauth/authorize</c>) and the token endpoint (<c>/token</c>).</summary>
internal static class OAuthEndpoints
{
    public static void Map(IEndpointRouteBuilder group)
    {
        group.MapGet("/app/oauth/authorize", ShowConsent).WithMetadata(ChangesSandboxState.Instance);
        group.MapPost("/app/oauth/authorize", Decide).DisableAntiforgery();
        group.MapPost("/token", IssueTokenAsync).DisableAntiforgery();
    }

    private static IResult ShowConsent(HttpRequest request, SandboxTokens tokens)
    {
        var query = request.Query;
        string? clientId = query["client_id"], redirectUri = query["redirect_uri"], state = query["state"];
        if (tokens.FindClient(clientId) is not { } client)
        {
            return Page(StatusCodes.Status400BadRequest, "Unknown client", "<p>The client_id is not registered.</p>");
        }

        if (!client.Accepts(redirectUri))
        {
            return Page(StatusCodes.Status400BadRequest, "Invalid redirect URI", "<p>The redirect_uri is not registered for this client.</p>");
        }

        if (!string.Equals(query["response_type"], "code", StringComparison.Ordinal))
        {
            return Page(StatusCodes.Status400BadRequest, "Unsupported response type", "<p>response_type must be code.</p>");
        }

        var nonce = tokens.IssueNonce(client.ClientId, redirectUri!, state);
        var body = new StringBuilder()
            .Append("<p><strong>").Append(Encode(client.ClientId)).Append("</strong> wants full access to the Keap account ")
            .Append(Encode(tokens.Account)).Append(".</p>")
            .Append("<form method=\"post\" action=\"").Append(Encode(request.PathBase + request.Path)).Append("\">")
            .Append(Hidden("client_id", client.ClientId))
            .Append(Hidden("redirect_uri", redirectUri!))
            .Append(state is null ? "" : Hidden("state", state))
            .Append(Hidden("nonce", nonce))
            .Append("<div class=\"actions\"><button type=\"submit\" name=\"decision\" value=\"allow\" id=\"allow\" class=\"primary\">Allow</button>")
            .Append("<button type=\"submit\" name=\"decision\" value=\"deny\" id=\"deny\">Deny</button></div>")
            .Append("</form>");
        return Page(StatusCodes.Status200OK, "Keap sandbox: authorize access", body.ToString());
    }

    private static async Task<IResult> Decide(HttpRequest request, SandboxTokens tokens)
    {
        var form = await request.ReadFormAsync(request.HttpContext.RequestAborted).ConfigureAwait(false);
        string? clientId = form["client_id"], redirectUri = form["redirect_uri"], state = form["state"];
        if (!tokens.TryConsumeNonce(form["nonce"], clientId, redirectUri, state))
        {
            return Page(StatusCodes.Status400BadRequest, "Expired consent", "<p>This consent form was already used or is not valid. Start again.</p>");
        }

        var query = new QueryBuilder();
        if (string.Equals(form["decision"], "allow", StringComparison.Ordinal))
        {
            query.Add("code", tokens.IssueCode(clientId!, redirectUri!));
            query.Add("scope", tokens.Scope);
        }
        else
        {
            query.Add("error", "access_denied");
            query.Add("error_description", "User denied access to resource");
        }

        if (state is not null)
        {
            query.Add("state", state);
        }

        var separator = redirectUri!.Contains('?', StringComparison.Ordinal) ? "&" : "?";
        // QueryBuilder encodes spaces as %20; Keap (and the description in the docs) uses '+'.
        return Results.Redirect(redirectUri + separator + query.ToQueryString().Value![1..].Replace("%20", "+", StringComparison.Ordinal));
    }

    private static async Task<IResult> IssueTokenAsync(HttpContext context, SandboxTokens tokens, KeapSandboxState state, KeapSandboxFaults faults)
    {
        state.CountTokenRequest();
        if (await SandboxResults.PlayFaultAsync(context, faults, KeapSandboxFaults.TokenEndpoint).ConfigureAwait(false) is { } fault)
        {
            if (fault is IStatusCodeHttpResult { StatusCode: 400 })
            {
                state.CountInvalidGrant();
            }

            return fault;
        }

        if (!context.Request.HasFormContentType)
        {
            return SandboxResults.OAuthError(StatusCodes.Status400BadRequest, "invalid_request", "Expected a form-urlencoded body");
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var (clientId, clientSecret) = BasicCredentials(context.Request) ?? (form["client_id"], form["client_secret"]);
        if (tokens.Authenticate(clientId, clientSecret) is not { } client)
        {
            return SandboxResults.OAuthError(StatusCodes.Status401Unauthorized, "invalid_client", "Invalid client credentials");
        }

        KeapSandboxTokenGrant? grant;
        switch ((string?)form["grant_type"])
        {
            case "authorization_code":
                grant = tokens.RedeemCode(client.ClientId, form["code"], form["redirect_uri"]);
                if (grant is not null)
                {
                    state.CountCodeExchange();
                }

                break;
            case "refresh_token":
                grant = tokens.Rotate(client.ClientId, form["refresh_token"]);
                if (grant is not null)
                {
                    state.CountRefresh();
                }

                break;
            default:
                return SandboxResults.OAuthError(StatusCodes.Status400BadRequest, "unsupported_grant_type", "Unsupported grant type");
        }

        if (grant is null)
        {
            state.CountInvalidGrant();
            return (string?)form["grant_type"] == "refresh_token"
                ? SandboxResults.InvalidGrant()
                : SandboxResults.OAuthError(StatusCodes.Status400BadRequest, "invalid_grant", "Invalid authorization code");
        }

        context.Response.Headers.CacheControl = "no-store";
        return Results.Json(
            new { grant.AccessToken, TokenType = "bearer", grant.ExpiresIn, grant.RefreshToken, grant.Scope },
            SandboxResults.Json);
    }

    private static (string?, string?)? BasicCredentials(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? null : (decoded[..colon], decoded[(colon + 1)..]);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string Hidden(string name, string value) =>
        $"<input type=\"hidden\" name=\"{name}\" value=\"{Encode(value)}\">";

    private static string Encode(string value) => SandboxPage.Encode(value);

    private static IResult Page(int status, string title, string body) => SandboxPage.Html(status, title, body);
}
