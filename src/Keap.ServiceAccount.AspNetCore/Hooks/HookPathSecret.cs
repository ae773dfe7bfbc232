using System.Security.Cryptography;
using System.Text;

namespace Keap.ServiceAccount.AspNetCore.Hooks;

/// <summary>
/// The receiver's path secret, read from <see cref="IKeapHookSecretStore"/> and kept in memory, and the constant-time
/// check of the secret a request presents.
/// </summary>
/// <param name="timeProvider">The clock that spaces the store reads a wrong secret may cause.</param>
internal sealed class HookPathSecret(TimeProvider timeProvider)
{
    /// <summary>
    /// A secret rotated in the store (deleted, then created again) is picked up by a mismatch at most this long after
    /// the last read: wrong secrets from a prober cost at most one store read per interval.
    /// </summary>
    internal static readonly TimeSpan RereadInterval = TimeSpan.FromMinutes(1);

    // The hash of the stored secret: comparing fixed-size hashes takes the same time whatever the presented length,
    // where comparing the texts would stop at once on a length mismatch and tell an attacker the secret's length.
    private Known? _known;

    /// <summary>Whether <paramref name="presented"/> is the stored secret. A failed read of the store is not cached.</summary>
    /// <exception cref="TokenStoreException">The store failed (from <see cref="IKeapHookSecretStore.GetOrCreateAsync"/>).</exception>
    public async ValueTask<bool> MatchesAsync(string? presented, IKeapHookSecretStore store, CancellationToken cancellationToken)
    {
        var presentedHash = Hash(presented ?? string.Empty);
        var known = Volatile.Read(ref _known);
        if (known is not null)
        {
            var matches = CryptographicOperations.FixedTimeEquals(presentedHash, known.Hash);
            if (matches || timeProvider.GetElapsedTime(known.ReadAt) < RereadInterval)
            {
                return matches;
            }
        }

        // Two first requests at once may both read the store; it returns the same secret to both.
        known = new Known(Hash(await store.GetOrCreateAsync(cancellationToken).ConfigureAwait(false)), timeProvider.GetTimestamp());
        Volatile.Write(ref _known, known);
        return CryptographicOperations.FixedTimeEquals(presentedHash, known.Hash);
    }

    private static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    private sealed record Known(byte[] Hash, long ReadAt);
}
