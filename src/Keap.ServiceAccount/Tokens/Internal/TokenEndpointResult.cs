namespace Keap.ServiceAccount.Tokens.Internal;

/// <summary>How a call to Keap's token endpoint failed.</summary>
internal enum TokenEndpointError
{
    /// <summary>No failure.</summary>
    None,

    /// <summary><c>invalid_grant</c>, or <c>invalid_request</c> "Invalid Refresh Token": the refresh token or code is spent or expired.</summary>
    InvalidGrant,

    /// <summary><c>invalid_client</c>: the client id or secret is wrong.</summary>
    InvalidClient,

    /// <summary>Another OAuth error.</summary>
    OAuthError,

    /// <summary>The body was not the JSON Keap documents (<see cref="TokenEndpointResult.Answer"/> holds what a 2xx did carry).</summary>
    InvalidResponse,

    /// <summary>A 5xx or 429 answer: Keap (or its gateway) answered that this attempt issued no token.</summary>
    ServerError,

    /// <summary>No answer within the time the call was given: the request may have reached Keap.</summary>
    Timeout,

    /// <summary>The connection failed after the request was sent: it may have reached Keap.</summary>
    Transport,

    /// <summary>Nothing reached Keap: no connection (refused, unresolved name, failed TLS or proxy tunnel).</summary>
    NotSent,
}

/// <summary>The answer of the token endpoint: a token, or a specific failure whose description holds no secret.</summary>
/// <param name="Token">The token of a complete answer (with an assumed lifetime when <c>expires_in</c> was unusable).</param>
/// <param name="Error">How the call failed, or <see cref="TokenEndpointError.None"/>.</param>
/// <param name="Description">Why it failed, or what was wrong with an answer that still gave <paramref name="Token"/>.</param>
/// <param name="Answer">What a 2xx answer carried, also when it lacked a token: a refresh completes it from the token it had.</param>
internal sealed record TokenEndpointResult(KeapToken? Token, TokenEndpointError Error, string? Description, TokenAnswer? Answer = null)
{
    public bool IsTransient => Error is TokenEndpointError.ServerError or TokenEndpointError.Timeout or TokenEndpointError.Transport or TokenEndpointError.NotSent;

    /// <summary>
    /// Whether the same refresh token may be presented again at once: nothing reached Keap, or Keap answered with an error
    /// status (no token will come for that attempt). Never after silence or a connection lost once the request was
    /// sent: Keap's real answer, with the rotated token, may be the one that was lost.
    /// </summary>
    public bool MayResend => Error is TokenEndpointError.NotSent or TokenEndpointError.ServerError;

    public static TokenEndpointResult Success(KeapToken token, string? warning = null) => new(token, TokenEndpointError.None, warning);

    public static TokenEndpointResult Failure(TokenEndpointError error, string description, TokenAnswer? answer = null) => new(null, error, description, answer);

    public override string ToString() => Token is null ? $"{Error}: {Description}" : "Success";
}

/// <summary>What a 2xx answer of the token endpoint carried, field by field. <see cref="ToString"/> never prints a token.</summary>
/// <param name="AccessToken">The new access token, when present.</param>
/// <param name="RefreshToken">The new refresh token, when present.</param>
/// <param name="ExpiresIn">The access token's lifetime as Keap gave it, when readable, positive and plausible.</param>
/// <param name="Scope">Keap's scope string, when present.</param>
/// <param name="ReceivedAt">When the answer arrived (UTC).</param>
internal sealed record TokenAnswer(string? AccessToken, string? RefreshToken, TimeSpan? ExpiresIn, string? Scope, DateTimeOffset ReceivedAt)
{
    /// <summary>
    /// The access token lifetime assumed when Keap's <c>expires_in</c> is missing or unusable: one hour, a twenty-fourth of
    /// the 24 hours Keap grants today, so the token is refreshed (after three quarters of it) long before any real expiry.
    /// Should the real lifetime be shorter still, Keap's 401 makes the handler refresh at once.
    /// </summary>
    public static readonly TimeSpan AssumedLifetime = TimeSpan.FromHours(1);

    /// <summary>When the access token expires: from <see cref="ExpiresIn"/>, or <see cref="AssumedLifetime"/> when it is unknown.</summary>
    public DateTimeOffset AccessTokenExpiresAt => ReceivedAt + (ExpiresIn ?? AssumedLifetime);

    /// <summary>Describes the answer without either token.</summary>
    public override string ToString() =>
        $"TokenAnswer {{ AccessToken = {(AccessToken is null ? "absent" : "present")}, RefreshToken = {(RefreshToken is null ? "absent" : "present")}, ExpiresIn = {ExpiresIn?.ToString() ?? "unknown"} }}";
}
