namespace Keap.ServiceAccount.Tokens;

/// <summary>
/// What the HTTP pipeline needs from the token path: a usable access token, and a fresh one after Keap
/// rejected the one that was sent.
/// </summary>
internal interface IAccessTokenProvider
{
    /// <summary>Returns a valid access token, waiting for a refresh only inside the hard window.</summary>
    /// <exception cref="KeapAuthorizationException">
    /// No usable token: not connected or needing re-authorization, or (<see cref="KeapAuthorizationException.IsTransient"/>)
    /// the store is unavailable or refreshing failed and the token in memory has expired.
    /// </exception>
    ValueTask<string> GetAccessTokenAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Called after Keap answered 401 to <paramref name="rejectedAccessToken"/>. Forces one refresh only if that
    /// token is still the current one (otherwise another caller already replaced it) and returns the token to retry with.
    /// </summary>
    /// <exception cref="KeapAuthorizationException">No other token could be obtained; the rejected one is never returned.</exception>
    ValueTask<string> GetAccessTokenAfterRejectionAsync(string rejectedAccessToken, CancellationToken cancellationToken);
}
