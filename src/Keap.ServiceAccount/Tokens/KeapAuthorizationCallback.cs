namespace Keap.ServiceAccount;

/// <summary>The query parameters Keap sends to the redirect URI.</summary>
/// <param name="Code">The authorization code, on success.</param>
/// <param name="State">The <c>state</c> the authorize link carried.</param>
/// <param name="Error">Keap's error, such as <c>access_denied</c>.</param>
/// <param name="ErrorDescription">Keap's description of the error.</param>
public sealed record KeapAuthorizationCallback(string? Code, string? State, string? Error = null, string? ErrorDescription = null)
{
    /// <summary>Describes the callback without the authorization code.</summary>
    public override string ToString() =>
        $"KeapAuthorizationCallback {{ HasCode = {!string.IsNullOrEmpty(Code)}, Error = {Error ?? "(none)"} }}";
}
