namespace Keap.ServiceAccount;

/// <summary>A token as read from an <see cref="ITokenStore"/>, with the version that compare-and-swap writes expect.</summary>
/// <param name="Token">The token.</param>
/// <param name="Version">The store's version of it; grows with every write.</param>
public sealed record StoredToken(KeapToken Token, long Version)
{
    /// <summary>The version to expect when no token is stored yet.</summary>
    public const long NoVersion = 0;

    /// <summary>
    /// Why Keap refused this token's refresh token (<c>invalid_grant</c>), when it did: recorded in the store by
    /// <see cref="ITokenStore.TryMarkRefusedAsync"/>, so the refresh token is never presented again; cleared by the next saved token.
    /// </summary>
    public string? Refusal { get; init; }
}
