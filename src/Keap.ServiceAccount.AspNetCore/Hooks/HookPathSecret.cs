using System.Security.Cryptography;
using System.Text;

namespace Keap.ServiceAccount.AspNetCore.Hooks;

/// <summary>
/// The receiver's path secret, read once from <see cref="IKeapHookSecretStore"/> and kept in memory, and the
/// constant-time check of the secret a request presents.
/// </summary>
internal sealed class HookPathSecret
{
    // The hash of the stored secret: comparing fixed-size hashes takes the same time whatever the presented length,
    // where comparing the texts would stop at once on a length mismatch and tell an attacker the secret's length.
    private byte[]? _expectedHash;

    /// <summary>Whether <paramref name="presented"/> is the stored secret. A failed read of the store is not cached.</summary>
    /// <exception cref="TokenStoreException">The store failed (from <see cref="IKeapHookSecretStore.GetOrCreateAsync"/>).</exception>
    public async ValueTask<bool> MatchesAsync(string? presented, IKeapHookSecretStore store, CancellationToken cancellationToken)
    {
        // Two first requests at once may both read the store; it returns the same secret to both.
        var expected = Volatile.Read(ref _expectedHash);
        if (expected is null)
        {
            expected = Hash(await store.GetOrCreateAsync(cancellationToken).ConfigureAwait(false));
            Volatile.Write(ref _expectedHash, expected);
        }

        return CryptographicOperations.FixedTimeEquals(Hash(presented ?? string.Empty), expected);
    }

    private static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}
