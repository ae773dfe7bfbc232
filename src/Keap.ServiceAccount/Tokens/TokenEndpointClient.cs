using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Keap.ServiceAccount.Tokens;

/// <summary>Calls Keap's <c>/token</c> endpoint: code exchange (credentials in the body) and refresh (HTTP Basic).</summary>
internal sealed class TokenEndpointClient(
    IHttpClientFactory httpClientFactory,
    IOptions<KeapServiceAccountOptions> options,
    TimeProvider timeProvider)
{
    public const string HttpClientName = "Keap.ServiceAccount.TokenEndpoint";

    // Keap's descriptions are short; cap them so an unexpected body never floods a log or status page.
    private const int MaxDescriptionLength = 200;

    public Task<TokenEndpointResult> ExchangeCodeAsync(string code, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(code);
        var o = options.Value;
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = o.RedirectUri?.AbsoluteUri ?? string.Empty,
            ["client_id"] = o.ClientId ?? string.Empty,
            ["client_secret"] = o.ClientSecret ?? string.Empty,
        };
        return SendAsync(form, basicCredentials: null, cancellationToken);
    }

    public Task<TokenEndpointResult> RefreshAsync(string refreshToken, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(refreshToken);
        var o = options.Value;
        var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{o.ClientId}:{o.ClientSecret}"));
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = refreshToken,
        };
        return SendAsync(form, credentials, cancellationToken);
    }

    private async Task<TokenEndpointResult> SendAsync(Dictionary<string, string> form, string? basicCredentials, CancellationToken cancellationToken)
    {
        var o = options.Value;
        using var timeout = new CancellationTokenSource(o.TokenRequestTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        using var request = new HttpRequestMessage(HttpMethod.Post, o.TokenEndpoint) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (basicCredentials is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", basicCredentials);
        }

        var client = httpClientFactory.CreateClient(HttpClientName);
        try
        {
            using var response = await client.SendAsync(request, linked.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(linked.Token).ConfigureAwait(false);
            return Parse(response.StatusCode, body);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return TokenEndpointResult.Failure(TokenEndpointError.Timeout, $"The token endpoint did not answer within {o.TokenRequestTimeout}.");
        }
        catch (HttpRequestException ex)
        {
            // The exception message names the host and the socket error, never the form body.
            return TokenEndpointResult.Failure(TokenEndpointError.Transport, $"The token endpoint could not be reached ({ex.HttpRequestError}).");
        }
    }

    private TokenEndpointResult Parse(HttpStatusCode status, string body)
    {
        var code = (int)status;
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(body);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return code >= 500 || status == HttpStatusCode.TooManyRequests
                ? TokenEndpointResult.Failure(TokenEndpointError.ServerError, $"The token endpoint answered HTTP {code}.")
                : TokenEndpointResult.Failure(TokenEndpointError.InvalidResponse, $"The token endpoint answered HTTP {code} with a body that is not JSON.");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return TokenEndpointResult.Failure(TokenEndpointError.InvalidResponse, $"The token endpoint answered HTTP {code} with unexpected JSON.");
        }

        if (code is >= 200 and < 300)
        {
            return ParseToken(root);
        }

        if (code >= 500 || status == HttpStatusCode.TooManyRequests)
        {
            return TokenEndpointResult.Failure(TokenEndpointError.ServerError, $"The token endpoint answered HTTP {code}.");
        }

        var error = ReadString(root, "error") ?? "(none)";
        var description = Truncate(ReadString(root, "error_description") ?? ReadString(root, "message") ?? string.Empty);
        var text = string.Create(CultureInfo.InvariantCulture, $"Keap answered HTTP {code} {error}: {description}");
        return error switch
        {
            "invalid_grant" => TokenEndpointResult.Failure(TokenEndpointError.InvalidGrant, text),

            // Keap reports a spent refresh token this way too.
            "invalid_request" when description.Contains("Invalid Refresh Token", StringComparison.OrdinalIgnoreCase)
                => TokenEndpointResult.Failure(TokenEndpointError.InvalidGrant, text),
            "invalid_client" or "unauthorized_client" => TokenEndpointResult.Failure(TokenEndpointError.InvalidClient, text),
            _ => TokenEndpointResult.Failure(TokenEndpointError.OAuthError, text),
        };
    }

    private TokenEndpointResult ParseToken(JsonElement root)
    {
        var accessToken = ReadString(root, "access_token");
        var refreshToken = ReadString(root, "refresh_token");
        var expiresIn = ReadSeconds(root, "expires_in");
        if (string.IsNullOrWhiteSpace(accessToken) || string.IsNullOrWhiteSpace(refreshToken) || expiresIn is not > 0)
        {
            return TokenEndpointResult.Failure(
                TokenEndpointError.InvalidResponse,
                "The token endpoint answered success without access_token, refresh_token and a positive expires_in.");
        }

        var now = timeProvider.GetUtcNow();
        return TokenEndpointResult.Success(new KeapToken(accessToken, refreshToken, now.AddSeconds(expiresIn.Value), now, ReadString(root, "scope")));
    }

    private static string? ReadString(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static double? ReadSeconds(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value))
        {
            return null;
        }

        // Numbers appear as strings in some Keap answers: accept both.
        return value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetDouble(out var n) => n,
            JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) => s,
            _ => null,
        };
    }

    private static string Truncate(string text) => text.Length <= MaxDescriptionLength ? text : text[..MaxDescriptionLength];
}
