namespace Keap.ServiceAccount;

/// <summary>The query parameters Keap sends to the redirect URI.</summary>
public sealed class KeapAuthorizationCallback
{
    /// <summary>Creates a callback from the redirect URI's query parameters.</summary>
    /// <param name="code">The authorization code, on success.</param>
    /// <param name="state">The <c>state</c> the authorize link carried.</param>
    /// <param name="error">Keap's error, such as <c>access_denied</c>.</param>
    /// <param name="errorDescription">Keap's description of the error.</param>
    public KeapAuthorizationCallback(string? code, string? state, string? error = null, string? errorDescription = null)
    {
        Code = code;
        State = state;
        Error = error;
        ErrorDescription = errorDescription;
    }

    /// <summary>The authorization code, on success. A secret until redeemed.</summary>
    public string? Code { get; init; }

    /// <summary>The <c>state</c> the authorize link carried.</summary>
    public string? State { get; init; }

    /// <summary>Keap's error, such as <c>access_denied</c>.</summary>
    public string? Error { get; init; }

    /// <summary>Keap's description of the error.</summary>
    public string? ErrorDescription { get; init; }

    /// <summary>Describes the callback without the authorization code.</summary>
    public override string ToString() =>
        $"KeapAuthorizationCallback {{ HasCode = {!string.IsNullOrEmpty(Code)}, Error = {Error ?? "(none)"} }}";
}
