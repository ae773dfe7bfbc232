namespace Keap.ServiceAccount.Tokens;

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

    /// <summary>The body was not the JSON Keap documents.</summary>
    InvalidResponse,

    /// <summary>A 5xx or 429 answer: Keap did not process the request, or may have.</summary>
    ServerError,

    /// <summary>No answer within <see cref="KeapServiceAccountOptions.TokenRequestTimeout"/>.</summary>
    Timeout,

    /// <summary>The connection failed or was reset.</summary>
    Transport,
}

/// <summary>The answer of the token endpoint: a token, or a specific failure whose description holds no secret.</summary>
internal sealed record TokenEndpointResult(KeapToken? Token, TokenEndpointError Error, string? Description)
{
    public bool IsTransient => Error is TokenEndpointError.ServerError or TokenEndpointError.Timeout or TokenEndpointError.Transport;

    public static TokenEndpointResult Success(KeapToken token) => new(token, TokenEndpointError.None, null);

    public static TokenEndpointResult Failure(TokenEndpointError error, string description) => new(null, error, description);

    public override string ToString() => Token is null ? $"{Error}: {Description}" : "Success";
}
