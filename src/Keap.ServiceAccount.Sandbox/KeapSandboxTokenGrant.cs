namespace Keap.ServiceAccount.Sandbox;

/// <summary>A token response as the sandbox's <c>/token</c> endpoint returns it.</summary>
/// <param name="AccessToken">The bearer token for API calls.</param>
/// <param name="RefreshToken">The single-use refresh token.</param>
/// <param name="ExpiresIn">Seconds until the access token expires.</param>
/// <param name="Scope">The granted scope, <c>full|{account}</c>.</param>
public sealed record KeapSandboxTokenGrant(string AccessToken, string RefreshToken, int ExpiresIn, string Scope)
{
    /// <summary>Hides the tokens so a grant can be logged or asserted on without leaking them.</summary>
    /// <returns>The scope and lifetime only.</returns>
    public override string ToString() => $"KeapSandboxTokenGrant {{ Scope = {Scope}, ExpiresIn = {ExpiresIn} }}";
}
