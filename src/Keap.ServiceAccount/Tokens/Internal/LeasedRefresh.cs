using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Keap.ServiceAccount.Tokens.Internal;

/// <summary>
/// One refresh run across processes: read the store, take the lease, read again under it, present the refresh token to
/// Keap (retrying only while the lease leaves time for the answer), then have <see cref="RefreshAnswerSave"/> store the
/// answer and release the lease. Decides whether a refresh is needed at all, and that a refused refresh token is never
/// presented again.
/// </summary>
internal sealed class LeasedRefresh
{
    private readonly GuardedTokenStore _store;
    private readonly TokenEndpointClient _endpoint;
    private readonly TokenCache _cache;
    private readonly RefreshSchedule _schedule;
    private readonly PendingTokenSave _pendingSave;
    private readonly TokenAdoption _adoption;
    private readonly RefreshAnswerSave _answer;
    private readonly RefreshStopSignals _signals;
    private readonly IOptions<KeapServiceAccountOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    public LeasedRefresh(
        GuardedTokenStore store,
        TokenEndpointClient endpoint,
        TokenCache cache,
        RefreshSchedule schedule,
        PendingTokenSave pendingSave,
        TokenAdoption adoption,
        RefreshStopSignals signals,
        IOptions<KeapServiceAccountOptions> options,
        TimeProvider timeProvider,
        ILogger logger)
    {
        _store = store;
        _endpoint = endpoint;
        _cache = cache;
        _schedule = schedule;
        _pendingSave = pendingSave;
        _adoption = adoption;
        _signals = signals;
        _options = options;
        _time = timeProvider;
        _logger = logger;
        _answer = new RefreshAnswerSave(store, pendingSave, adoption, signals, timeProvider, logger);
    }

    /// <summary>Runs the refresh; with <paramref name="forceVersion"/>, refreshes while the stored version is still that one even if not due.</summary>
    /// <exception cref="TokenStoreException">The store failed before the refresh token was sent, or another instance held the lease too long.</exception>
    /// <exception cref="OperationCanceledException">The application is stopping and no refresh token was sent.</exception>
    public async Task<RefreshOutcome> RunAsync(long? forceVersion)
    {
        var o = _options.Value;
        var stopping = _signals.Stopping;

        // A connect or disconnect on this instance while this run reads the store makes the run's reads stale.
        var floor = _cache.Floor;
        var current = await _store.GetAsync(stopping).ConfigureAwait(false);
        if (Settled(current, forceVersion, floor) is { } settled)
        {
            return settled;
        }

        TokenLog.RefreshStarted(_logger);
        var lease = await AcquireLeaseAsync(current!, forceVersion, o, stopping).ConfigureAwait(false);
        if (lease.Adopted is { } adopted)
        {
            return _adoption.Adopt(adopted);
        }

        try
        {
            // Another process may have rotated between our read and the lease: only its token counts now.
            current = await _store.GetAsync(stopping).ConfigureAwait(false);
            if (Settled(current, forceVersion, floor) is { } settledUnderLease)
            {
                return settledUnderLease;
            }

            // Only the lease holder may have the refresh token on the wire: after a slow store, a lease that lapses before
            // Keap's answer would let another instance present the same refresh token meanwhile.
            var answerBy = RefreshPipelines.AnswerDeadline(lease.AskedAt, o.Refresh.LeaseDuration);
            if (_time.GetUtcNow() + o.Refresh.TokenRequestTimeout > answerBy)
            {
                throw new TokenStoreException("The token store answered so slowly that the refresh lease would end before Keap's answer; the refresh token was not sent.");
            }

            // From here the refresh token is on the wire: stopping no longer cancels the call or the save.
            var (result, earlierFailure) = await CallEndpointAsync(current!.Token.RefreshToken, answerBy, o).ConfigureAwait(false);
            if (RefreshAnswer.Read(result, current.Token, _logger) is ({ } fresh, var noNewAccessToken))
            {
                var saved = await _answer.SaveAsync(fresh, current, lease.Lease!).ConfigureAwait(false);
                return noNewAccessToken is null || saved.Kind == RefreshKind.Failed ? saved : RefreshOutcome.Failed(KeapConnectionState.RefreshFailing, noNewAccessToken);
            }

            if (result.Error == TokenEndpointError.InvalidGrant)
            {
                var reread = await _store.GetAsync(_signals.SaveBudget).ConfigureAwait(false);
                if (reread is not null && reread.Version != current.Version)
                {
                    return _adoption.Adopt(reread);
                }

                // After a lost reply, Keap most likely rotated on the first attempt and the retry found the token spent.
                var cause = earlierFailure is null ? string.Empty : $" after an earlier attempt failed without a usable reply ({earlierFailure}), so Keap probably rotated the token on that attempt";
                return await _answer.RefusedAsync(current, $"Keap refused the stored refresh token ({result.Description}){cause}. An administrator has to connect again.").ConfigureAwait(false);
            }

            var kind = result.IsTransient ? "Keap's token endpoint kept failing" : "Keap refused the refresh";
            return RefreshOutcome.Failed(KeapConnectionState.RefreshFailing, $"{kind}: {result.Description}");
        }
        finally
        {
            await _answer.ReleaseAsync(lease.Lease!).ConfigureAwait(false);
        }
    }

    /// <summary>The outcome when <paramref name="current"/> needs no call to Keap (nothing stored, refused, pending, not due); <see langword="null"/> to refresh.</summary>
    private RefreshOutcome? Settled(StoredToken? current, long? forceVersion, long floorBeforeRead)
    {
        if (current is null)
        {
            if (!_cache.Clear(floorBeforeRead))
            {
                return _adoption.Served();
            }

            _pendingSave.Clear();
            return RefreshOutcome.Failed(KeapConnectionState.NotConnected, "No Keap token is stored: an administrator has to connect the application to Keap.");
        }

        if (_pendingSave.SpentRefreshToken is { } spent)
        {
            // The store still holds the token this process already rotated: serve the new one until it is stored.
            if (string.Equals(current.Token.RefreshToken, spent, StringComparison.Ordinal))
            {
                return new RefreshOutcome(RefreshKind.Adopted, _cache.Current?.Stored, KeapConnectionState.Connected, null);
            }

            _pendingSave.Clear();
        }

        if (current.Refusal is not null || _adoption.LocalRefusalFor(current.Version) is not null || !NeedsRefresh(current, forceVersion))
        {
            return _adoption.Adopt(current);
        }

        return null;
    }

    private bool NeedsRefresh(StoredToken stored, long? forceVersion) =>
        forceVersion == stored.Version || _time.GetUtcNow() >= _schedule.DueAt(stored, _cache.Current);

    private async Task<LeaseAttempt> AcquireLeaseAsync(StoredToken seen, long? forceVersion, KeapServiceAccountOptions o, CancellationToken stopping)
    {
        var giveUpAt = _time.GetUtcNow() + (2 * o.Refresh.LeaseDuration);
        var waited = false;
        var pipeline = RefreshPipelines.LeaseWait<LeaseAttempt>(_time, giveUpAt, a => a is { Lease: null, Adopted: null }, () =>
        {
            if (!waited)
            {
                TokenLog.LeaseWait(_logger);
            }

            waited = true;
        });
        var attempt = await pipeline.ExecuteAsync(
            async ct =>
            {
                if (waited)
                {
                    // The holder may have finished (or recorded a refusal): its result ends the wait without the lease.
                    var now = await _store.GetAsync(ct).ConfigureAwait(false);
                    if (now is not null && now.Version != seen.Version && (now.Refusal is not null || !NeedsRefresh(now, forceVersion)))
                    {
                        return new LeaseAttempt(null, now, default);
                    }
                }

                // Timed on this instance's clock before asking: the store's own clock may differ from it.
                var askedAt = _time.GetUtcNow();
                return new LeaseAttempt(await _store.TryAcquireLeaseAsync(_owner, o.Refresh.LeaseDuration, ct).ConfigureAwait(false), null, askedAt);
            },
            stopping).ConfigureAwait(false);
        return attempt is { Lease: null, Adopted: null }
            ? throw new TokenStoreException("Another instance held the refresh lease for too long without storing a new token.")
            : attempt;
    }

    private async Task<(TokenEndpointResult Result, string? EarlierFailure)> CallEndpointAsync(string refreshToken, DateTimeOffset answerBy, KeapServiceAccountOptions o)
    {
        string? earlierFailure = null;
        var stopping = _signals.Stopping;
        var pipeline = RefreshPipelines.Endpoint(_time, answerBy, o.Refresh.TokenRequestTimeout, (failed, delay) =>
        {
            earlierFailure = failed.Description;
            TokenLog.RefreshRetry(_logger, failed.Error.ToString(), delay);
        });
        try
        {
            // Each call waits for its answer until the lease's deadline and ignores stopping; stopping only ends the pauses between retries.
            var result = await pipeline.ExecuteAsync(
                async _ => await _endpoint.RefreshAsync(refreshToken, answerBy - _time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false),
                stopping).ConfigureAwait(false);
            return (result, earlierFailure);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return (TokenEndpointResult.Failure(TokenEndpointError.Transport, $"The application stopped before the retry ({earlierFailure})."), earlierFailure);
        }
    }

    private sealed record LeaseAttempt(TokenLease? Lease, StoredToken? Adopted, DateTimeOffset AskedAt);
}
