namespace Keap.ServiceAccount;

/// <summary>
/// Keeps the receiver's path secret: the random part of the hook URL that proves a delivery came to the URL the
/// application gave Keap. Every instance and every restart must read the same secret, so it lives beside the token
/// (in the file or SQL token store) or in the application's own storage.
/// </summary>
/// <remarks>Implementations are thread-safe; a secret, once created, stays until deleted from the storage.</remarks>
public interface IKeapHookSecretStore
{
    /// <summary>
    /// Returns the stored secret, creating it (at least 128 random bits, URL-safe text) when none is stored; when two
    /// instances create one at the same moment, both return the one that was stored first.
    /// </summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The secret, URL-safe (<c>[A-Za-z0-9_-]</c>), at least 22 characters.</returns>
    /// <exception cref="TokenStoreException">The storage failed or holds a secret it cannot read.</exception>
    ValueTask<string> GetOrCreateAsync(CancellationToken cancellationToken = default);
}
