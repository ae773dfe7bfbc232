using System.Globalization;

namespace Keap.ServiceAccount;

/// <summary>A token as read from an <see cref="ITokenStore"/>, with the version that compare-and-swap writes expect.</summary>
public sealed class StoredToken
{
    /// <summary>The version to expect when no token is stored yet.</summary>
    public const long NoVersion = 0;

    /// <summary>Creates a stored token.</summary>
    /// <param name="token">The token.</param>
    /// <param name="version">The store's version of it; grows with every write.</param>
    /// <exception cref="ArgumentNullException"><paramref name="token"/> is <see langword="null"/>.</exception>
    public StoredToken(KeapToken token, long version)
    {
        ArgumentNullException.ThrowIfNull(token);
        Token = token;
        Version = version;
    }

    /// <summary>The token.</summary>
    public KeapToken Token { get; init; }

    /// <summary>The store's version of it; grows with every write.</summary>
    public long Version { get; init; }

    /// <summary>
    /// Why Keap refused this token's refresh token (<c>invalid_grant</c>), when it did: recorded in the store by
    /// <see cref="ITokenStore.TryMarkRefusedAsync"/>, so the refresh token is never presented again; cleared by the next saved token.
    /// </summary>
    public string? Refusal { get; init; }

    /// <summary>Describes the stored token without revealing the access or refresh token.</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"StoredToken {{ Token = {Token}, Version = {Version}, Refusal = {Refusal} }}");
}
