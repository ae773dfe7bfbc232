using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Keap.ServiceAccount.Tokens.Internal;

/// <summary>Calls Keap's <c>/token</c> endpoint: code exchange (credentials in the body) and refresh (HTTP Basic).</summary>
internal sealed class TokenEndpointClient(
    IHttpClientFactory httpClientFactory,
    IOptions<KeapServiceAccountOptions> options,
    TimeProvider timeProvider)
{
    public const string HttpClientName = "Keap.ServiceAccount.TokenEndpoint";

    // Keap's descriptions are short; cap them so an unexpected body never floods a log or status page.
    private const int MaxDescriptionLength = 200;

    // A lifetime beyond a year is not one Keap grants: read as unusable, so date arithmetic cannot overflow either.
    private const double MaxExpiresInSeconds = 366 * 86_400;

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

    public Task<TokenEndpointResult> RefreshAsync(string refreshToken, CancellationToken cancellationToken) =>
        RefreshAsync(refreshToken, options.Value.Refresh.TokenRequestTimeout, cancellationToken);

    /// <summary>Presents <paramref name="refreshToken"/> and waits at most <paramref name="answerWithin"/> for Keap's answer.</summary>
    public Task<TokenEndpointResult> RefreshAsync(string refreshToken, TimeSpan answerWithin, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(refreshToken);
        var o = options.Value;
        var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{o.ClientId}:{o.ClientSecret}"));
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = refreshToken,
        };
        return SendAsync(form, credentials, answerWithin, cancellationToken);
    }

    private async Task<TokenEndpointResult> SendAsync(Dictionary<string, string> form, string? basicCredentials, CancellationToken cancellationToken) =>
        await SendAsync(form, basicCredentials, options.Value.Refresh.TokenRequestTimeout, cancellationToken).ConfigureAwait(false);

    private async Task<TokenEndpointResult> SendAsync(Dictionary<string, string> form, string? basicCredentials, TimeSpan answerWithin, CancellationToken cancellationToken)
    {
        var o = options.Value;
        using var timeout = new CancellationTokenSource(answerWithin, timeProvider);
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
            return TokenEndpointResult.Failure(TokenEndpointError.Timeout, $"The token endpoint did not answer within {answerWithin}; the request may have reached Keap.");
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError
            or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError)
        {
            // No connection: the request never left, so the same refresh token is still unspent.
            return TokenEndpointResult.Failure(TokenEndpointError.NotSent, $"The token endpoint could not be reached ({ex.HttpRequestError}); nothing was sent.");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            // The exception message names the host and the socket error, never the form body.
            var error = (ex as HttpRequestException)?.HttpRequestError ?? HttpRequestError.Unknown;
            return TokenEndpointResult.Failure(TokenEndpointError.Transport, $"The connection to the token endpoint failed once the request was sent ({error}); it may have reached Keap.");
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

    /// <summary>
    /// Reads a 2xx answer. Both tokens make a token, whatever else is wrong (an unusable <c>expires_in</c> gets
    /// <see cref="TokenAnswer.AssumedLifetime"/>): a rotated refresh token is never thrown away. Otherwise the answer is
    /// returned as read, for a refresh to complete from the token it had.
    /// </summary>
    private TokenEndpointResult ParseToken(JsonElement root)
    {
        var seconds = ReadSeconds(root, "expires_in");
        var answer = new TokenAnswer(
            NonBlank(ReadString(root, "access_token")),
            NonBlank(ReadString(root, "refresh_token")),
            seconds is > 0 and <= MaxExpiresInSeconds ? TimeSpan.FromSeconds(seconds.Value) : null,
            ReadString(root, "scope"),
            timeProvider.GetUtcNow());
        if (answer is { AccessToken: { } access, RefreshToken: { } refresh })
        {
            var warning = answer.ExpiresIn is null ? $"The token endpoint's answer had no usable expires_in; an access token lifetime of {TokenAnswer.AssumedLifetime} is assumed." : null;
            return TokenEndpointResult.Success(new KeapToken(access, refresh, answer.AccessTokenExpiresAt, answer.ReceivedAt, answer.Scope), warning);
        }

        var missing = new[] { answer.AccessToken is null ? "access_token" : null, answer.RefreshToken is null ? "refresh_token" : null, answer.ExpiresIn is null ? "a usable expires_in" : null };
        return TokenEndpointResult.Failure(TokenEndpointError.InvalidResponse, $"The token endpoint answered success without {string.Join(", ", missing.OfType<string>())}.", answer);
    }

    private static string? NonBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

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
