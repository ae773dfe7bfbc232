using Microsoft.Extensions.Logging;

namespace Keap.ServiceAccount.Tokens.Internal;

/// <summary>
/// Turns the token endpoint's answer to a refresh into the token to store. An answer that carries a refresh token is
/// never discarded, and a refresh token that was presented is never presented again because its answer was incomplete.
/// </summary>
internal static class RefreshAnswer
{
    /// <summary>
    /// The token to store after <paramref name="result"/> answered the refresh of <paramref name="current"/>, or
    /// <see langword="null"/> when the answer carried no token at all.
    /// </summary>
    /// <returns>
    /// The token, and why it gives no new access token (<see langword="null"/> when it does): only a new refresh token
    /// came, which is stored so that the rotated one is never presented again.
    /// </returns>
    public static (KeapToken? Token, string? NoNewAccessToken) Read(TokenEndpointResult result, KeapToken current, ILogger logger)
    {
        if (result.Token is { } complete)
        {
            if (result.Description is { } warning)
            {
                TokenLog.TokenAnswerIncomplete(logger, warning);
            }

            return (complete, null);
        }

        switch (result.Answer)
        {
            case { AccessToken: { } access, RefreshToken: null } answer:
                // RFC 6749 section 6: the server may keep the refresh token unchanged; this one stays the one to present.
                // Its lifetime still runs from when it was issued: counting it from this answer would push the keep-alive
                // refresh past the refresh token's real end.
                TokenLog.TokenAnswerIncomplete(logger, $"{result.Description} The new access token is used and the refresh token in use is kept.");
                return (new KeapToken(access, current.RefreshToken, answer.AccessTokenExpiresAt, current.RefreshTokenIssuedAt, answer.Scope ?? current.Scope), null);
            case { AccessToken: null, RefreshToken: { } refresh } answer:
                // Keap rotated: the old refresh token is dead. Keep the new one with the access token still held.
                var reason = $"{result.Description} The new refresh token was stored; the access token could not be renewed.";
                TokenLog.TokenAnswerIncomplete(logger, reason);
                return (new KeapToken(current.AccessToken, refresh, current.AccessTokenExpiresAt, answer.ReceivedAt, answer.Scope ?? current.Scope), reason);
            default:
                return (null, null);
        }
    }
}
