using Microsoft.Extensions.Logging;

namespace Keap.ServiceAccount.Tokens.Internal;

/// <summary>
/// Stores what Keap answered to a refresh, under the lease: the new token by compare-and-swap (a newer token of record
/// wins; a store that fails or is too slow leaves the new token served from memory), or the refusal of the refresh
/// token; then releases the lease. None of it is cancelled by stopping, only by the save budget.
/// </summary>
internal sealed class RefreshAnswerSave(
    GuardedTokenStore store,
    PendingTokenSave pendingSave,
    TokenAdoption adoption,
    RefreshStopSignals signals,
    TimeProvider timeProvider,
    ILogger logger)
{
    /// <summary>Saves <paramref name="fresh"/>, which Keap issued for <paramref name="current"/>'s refresh token, before <paramref name="lease"/> ends.</summary>
    public async Task<RefreshOutcome> SaveAsync(KeapToken fresh, StoredToken current, TokenLease lease)
    {
        var saveBudget = signals.SaveBudget;
        var pipeline = RefreshPipelines.Save(timeProvider, lease.ExpiresAt, ex => TokenLog.SaveRetry(logger, ex));
        try
        {
            var saved = await pipeline.ExecuteAsync(
                async ct => await store.TrySaveAsync(fresh, current.Version, ct).ConfigureAwait(false),
                saveBudget).ConfigureAwait(false);
            if (saved is not null)
            {
                return adoption.Refreshed(saved);
            }

            // Someone wrote while we held the lease (ours lapsed): a newer token of record wins; a rewrite of the token
            // we rotated (a refusal recorded by a peer that presented it after us) does not.
            var winner = await store.GetAsync(saveBudget).ConfigureAwait(false);
            if (winner is not null && string.Equals(winner.Token.RefreshToken, current.Token.RefreshToken, StringComparison.Ordinal))
            {
                return KeepInMemory(fresh, current, winner.Version, new TokenStoreException("A peer rewrote the rotated token while this save was late."));
            }

            return winner is not null
                ? adoption.Adopt(winner)
                : RefreshOutcome.Failed(KeapConnectionState.NotConnected, "The application was disconnected from Keap while refreshing.");
        }
        catch (Exception ex) when (ex is TokenStoreException || (ex is OperationCanceledException && saveBudget.IsCancellationRequested))
        {
            return KeepInMemory(fresh, current, current.Version, ex);
        }
    }

    /// <summary>Records that Keap refused <paramref name="current"/>'s refresh token; when the store cannot, this process alone remembers it.</summary>
    public async Task<RefreshOutcome> RefusedAsync(StoredToken current, string reason)
    {
        try
        {
            var marked = await store.TryMarkRefusedAsync(current.Version, reason, signals.SaveBudget).ConfigureAwait(false);
            if (marked is not null)
            {
                return adoption.Adopt(marked);
            }

            var reread = await store.GetAsync(signals.SaveBudget).ConfigureAwait(false);
            return reread is null
                ? RefreshOutcome.Failed(KeapConnectionState.NotConnected, "The application was disconnected from Keap while refreshing.")
                : adoption.Adopt(reread);
        }
        catch (Exception ex) when (ex is TokenStoreException or OperationCanceledException)
        {
            // The store is down: at least this process never presents that refresh token again.
            TokenLog.RefusalNotRecorded(logger, ex);
            adoption.RefuseLocally(current.Version, reason);
            return adoption.Adopt(current);
        }
    }

    public async Task ReleaseAsync(TokenLease lease)
    {
        try
        {
            await store.ReleaseLeaseAsync(lease, CancellationToken.None).ConfigureAwait(false);
        }
        catch (TokenStoreException ex)
        {
            // The lease expires by itself; a failed release only delays the next refresh.
            TokenLog.LeaseReleaseFailed(logger, ex);
        }
    }

    /// <summary>Keap issued <paramref name="fresh"/> but the store did not take it: serve it from memory, save it later.</summary>
    private RefreshOutcome KeepInMemory(KeapToken fresh, StoredToken current, long expectedVersion, Exception cause)
    {
        TokenLog.SavePending(logger, cause);
        var served = pendingSave.Keep(fresh, current, expectedVersion, signals.SaveBudget);
        if (served is null)
        {
            return adoption.Served();
        }

        return new RefreshOutcome(
            RefreshKind.KeptInMemory,
            served,
            KeapConnectionState.StoreUnavailable,
            $"The new token from Keap is kept in memory until the token store accepts it ({cause.Message}).");
    }
}
