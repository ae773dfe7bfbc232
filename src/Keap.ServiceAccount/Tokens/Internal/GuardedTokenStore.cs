namespace Keap.ServiceAccount.Tokens.Internal;

/// <summary>
/// The registered <see cref="ITokenStore"/> as the token path sees it: any failure other than a
/// <see cref="TokenStoreException"/> (a custom store's raw <see cref="IOException"/>, a call after the store was
/// disposed) becomes one naming the operation, so every store failure is logged, recorded and backed off alike.
/// </summary>
internal sealed class GuardedTokenStore(ITokenStore inner) : ITokenStore
{
    public ValueTask<StoredToken?> GetAsync(CancellationToken cancellationToken = default) =>
        GuardAsync("read the token", static (s, ct) => s.GetAsync(ct), cancellationToken);

    public ValueTask<StoredToken?> TrySaveAsync(KeapToken token, long expectedVersion, CancellationToken cancellationToken = default) =>
        GuardAsync("save the token", (s, ct) => s.TrySaveAsync(token, expectedVersion, ct), cancellationToken);

    public ValueTask<StoredToken?> TryMarkRefusedAsync(long expectedVersion, string reason, CancellationToken cancellationToken = default) =>
        GuardAsync("record the refused refresh token", (s, ct) => s.TryMarkRefusedAsync(expectedVersion, reason, ct), cancellationToken);

    public ValueTask<bool> TryDeleteAsync(long expectedVersion, CancellationToken cancellationToken = default) =>
        GuardAsync("delete the token", (s, ct) => s.TryDeleteAsync(expectedVersion, ct), cancellationToken);

    public ValueTask<TokenLease?> TryAcquireLeaseAsync(string owner, TimeSpan duration, CancellationToken cancellationToken = default) =>
        GuardAsync("take the refresh lease", (s, ct) => s.TryAcquireLeaseAsync(owner, duration, ct), cancellationToken);

    public async ValueTask ReleaseLeaseAsync(TokenLease lease, CancellationToken cancellationToken = default) =>
        await GuardAsync(
            "release the refresh lease",
            async (s, ct) =>
            {
                await s.ReleaseLeaseAsync(lease, ct).ConfigureAwait(false);
                return true;
            },
            cancellationToken).ConfigureAwait(false);

    private async ValueTask<T> GuardAsync<T>(string operation, Func<ITokenStore, CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call(inner, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not TokenStoreException && !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            throw new TokenStoreException($"The token store ({inner.GetType().Name}) could not {operation}: {ex.GetType().Name}.", ex);
        }
    }
}
