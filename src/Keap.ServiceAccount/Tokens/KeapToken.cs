using System.Globalization;

namespace Keap.ServiceAccount;

/// <summary>
/// The application's Keap OAuth token: a short-lived access token and the single-use refresh token
/// that renews it. Immutable; <see cref="ToString"/> never reveals either secret.
/// </summary>
public sealed class KeapToken
{
    /// <summary>Creates a token.</summary>
    /// <param name="accessToken">The bearer access token.</param>
    /// <param name="refreshToken">The single-use refresh token issued with <paramref name="accessToken"/>.</param>
    /// <param name="accessTokenExpiresAt">When the access token stops being accepted.</param>
    /// <param name="refreshTokenIssuedAt">When Keap issued <paramref name="refreshToken"/> (its 45-day life counts from here).</param>
    /// <param name="scope">Keap's scope string, such as <c>full|ab123.infusionsoft.com</c>.</param>
    /// <exception cref="ArgumentException">A token is null, empty or white space.</exception>
    public KeapToken(
        string accessToken,
        string refreshToken,
        DateTimeOffset accessTokenExpiresAt,
        DateTimeOffset refreshTokenIssuedAt,
        string? scope)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accessToken);
        ArgumentException.ThrowIfNullOrWhiteSpace(refreshToken);
        AccessToken = accessToken;
        RefreshToken = refreshToken;
        AccessTokenExpiresAt = accessTokenExpiresAt;
        RefreshTokenIssuedAt = refreshTokenIssuedAt;
        Scope = scope;
    }

    /// <summary>The bearer access token. A secret.</summary>
    public string AccessToken { get; }

    /// <summary>The single-use refresh token. A secret: spending it twice locks the application out.</summary>
    public string RefreshToken { get; }

    /// <summary>When the access token expires.</summary>
    public DateTimeOffset AccessTokenExpiresAt { get; }

    /// <summary>When the refresh token was issued.</summary>
    public DateTimeOffset RefreshTokenIssuedAt { get; }

    /// <summary>Keap's scope string, such as <c>full|ab123.infusionsoft.com</c>, when known.</summary>
    public string? Scope { get; }

    /// <summary>The Keap account host named in <see cref="Scope"/> (for example <c>ab123.infusionsoft.com</c>), when present.</summary>
    public string? Account
    {
        get
        {
            if (string.IsNullOrEmpty(Scope))
            {
                return null;
            }

            var bar = Scope.IndexOf('|', StringComparison.Ordinal);
            return bar >= 0 && bar < Scope.Length - 1 ? Scope[(bar + 1)..] : null;
        }
    }

    /// <summary>Describes the token without revealing the access or refresh token.</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"KeapToken {{ Account = {Account ?? "(unknown)"}, AccessTokenExpiresAt = {AccessTokenExpiresAt:O}, RefreshTokenIssuedAt = {RefreshTokenIssuedAt:O} }}");
}
