namespace Keap.ServiceAccount;

/// <summary>
/// The one place the application's Keap token lives between processes.
/// </summary>
/// <remarks>
/// <para>
/// Contract, which every implementation must keep and which the library relies on so that a
/// single-use refresh token is never spent twice:
/// </para>
/// <list type="bullet">
/// <item><description><b>Versioned reads.</b> <see cref="GetAsync"/> returns the token with its version, a number
/// that grows with every successful write (and delete). No token stored means <see langword="null"/>.</description></item>
/// <item><description><b>Compare-and-swap writes.</b> <see cref="TrySaveAsync"/> writes only when the stored
/// version still equals the expected one (<see cref="StoredToken.NoVersion"/> when nothing is stored) and
/// returns <see langword="false"/> when someone else wrote first. The version is therefore also the fencing
/// token: a writer working from an old read can never overwrite a newer token.</description></item>
/// <item><description><b>Refresh lease.</b> <see cref="TryAcquireLeaseAsync"/> grants an exclusive, expiring lock
/// to one owner at a time (across processes for shared stores). An expired lease may be taken by another
/// owner. Only the holder of the lease may call Keap's token endpoint with the refresh token.</description></item>
/// <item><description><b>Refusals are stored.</b> <see cref="TryMarkRefusedAsync"/> records, under the same
/// compare-and-swap, that Keap refused the refresh token of one version; <see cref="GetAsync"/> returns it in
/// <see cref="StoredToken.Refusal"/> until a newer token is saved. So no instance, and no restart, ever presents that
/// refresh token again, and every instance reports the same state.</description></item>
/// <item><description><b>Versions survive crashes.</b> A version never repeats and never goes back, even after a crash
/// in the middle of a write; a version that cannot be read is a <see cref="TokenStoreException"/>, never 0.</description></item>
/// <item><description><b>One kind of failure.</b> Every failure of the storage (unreachable, unreadable, no permission)
/// is a <see cref="TokenStoreException"/> whose message names the operation.</description></item>
/// <item><description>Nothing is ever silently discarded: a store that cannot read what it holds (a corrupt
/// file, a row that does not decrypt) throws <see cref="TokenStoreException"/> and leaves the data as it is.</description></item>
/// </list>
/// <para>Implementations are thread-safe.</para>
/// </remarks>
public interface ITokenStore
{
    /// <summary>Reads the stored token and its version.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The token and its version, or <see langword="null"/> when no token is stored.</returns>
    /// <exception cref="TokenStoreException">The store failed or the stored data cannot be read.</exception>
    ValueTask<StoredToken?> GetAsync(CancellationToken cancellationToken = default);

    /// <summary>Stores <paramref name="token"/> if the stored version still equals <paramref name="expectedVersion"/>.</summary>
    /// <param name="token">The token to store.</param>
    /// <param name="expectedVersion">The version last read, or <see cref="StoredToken.NoVersion"/> when nothing was stored.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The newly stored token and version (without a refusal), or <see langword="null"/> when another writer got there first.</returns>
    /// <exception cref="TokenStoreException">The store failed or holds data it cannot read.</exception>
    ValueTask<StoredToken?> TrySaveAsync(KeapToken token, long expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records that Keap refused the refresh token of the stored version <paramref name="expectedVersion"/>
    /// (<c>invalid_grant</c>): the token stays for diagnosis, with <paramref name="reason"/>, under a new version.
    /// </summary>
    /// <param name="expectedVersion">The version whose refresh token was refused.</param>
    /// <param name="reason">Why, for the status page; never contains a token.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The stored token with <see cref="StoredToken.Refusal"/> set, or <see langword="null"/> when the version had moved on (or nothing is stored).</returns>
    /// <exception cref="TokenStoreException">The store failed or holds data it cannot read.</exception>
    ValueTask<StoredToken?> TryMarkRefusedAsync(long expectedVersion, string reason, CancellationToken cancellationToken = default);

    /// <summary>Removes the stored token if the stored version still equals <paramref name="expectedVersion"/> (used to disconnect).</summary>
    /// <param name="expectedVersion">The version last read.</param>
    /// <param name="cancellationToken">Cancels the delete.</param>
    /// <returns><see langword="true"/> when the token was removed; <see langword="false"/> when the version had moved on.</returns>
    /// <exception cref="TokenStoreException">The store failed.</exception>
    ValueTask<bool> TryDeleteAsync(long expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>Tries to take the exclusive refresh lease.</summary>
    /// <param name="owner">A unique name of the would-be holder (process and instance).</param>
    /// <param name="duration">How long the lease lasts unless released first.</param>
    /// <param name="cancellationToken">Cancels the attempt.</param>
    /// <returns>The lease, or <see langword="null"/> when another owner holds an unexpired lease.</returns>
    /// <exception cref="TokenStoreException">The store failed.</exception>
    ValueTask<TokenLease?> TryAcquireLeaseAsync(string owner, TimeSpan duration, CancellationToken cancellationToken = default);

    /// <summary>Releases a lease taken with <see cref="TryAcquireLeaseAsync"/>. Does nothing if it has expired and another owner took it.</summary>
    /// <param name="lease">The lease to release.</param>
    /// <param name="cancellationToken">Cancels the release.</param>
    /// <exception cref="TokenStoreException">The store failed; the lease then lapses by itself.</exception>
    ValueTask ReleaseLeaseAsync(TokenLease lease, CancellationToken cancellationToken = default);
}
