using Keap.ServiceAccount.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Keap.ServiceAccount.Tokens.Internal;

/// <summary>
/// Renews the token so that a single-use refresh token is spent at most once: one refresh task per process, a store
/// lease across processes, a compare-and-swap save, refusals recorded in the store. Once a refresh token is on the
/// wire, it is given until the lease ends to be answered and is not sent again unless it provably never reached Keap;
/// neither the call nor the save that follows is cancelled by the application stopping.
/// </summary>
internal sealed class RefreshCoordinator : IAsyncDisposable, IDisposable
{
    private readonly GuardedTokenStore _store;
    private readonly TokenEndpointClient _endpoint;
    private readonly TokenCache _cache;
    private readonly RefreshSchedule _schedule;
    private readonly RefreshRecorder _recorder;
    private readonly IOptions<KeapServiceAccountOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<RefreshCoordinator> _logger;
    private readonly string _owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
    private readonly Lock _gate = new();

    // Stopping cancels what comes before a refresh token is sent (store reads, lease waits, retry pauses); the save
    // budget, armed only when stopping starts, bounds what comes after.
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _saveBudget;

    // Kept apart from their sources: a call after disposal sees "stopping", not an ObjectDisposedException.
    private readonly CancellationToken _stoppingToken;
    private readonly CancellationToken _saveBudgetToken;
    private bool _disposed;

    private readonly PendingTokenSave _pendingSave;
    private Task<RefreshOutcome>? _running;
    private long? _runningForce;
    private volatile LocalRefusal? _localRefusal;

    public RefreshCoordinator(
        GuardedTokenStore store,
        TokenEndpointClient endpoint,
        TokenCache cache,
        RefreshSchedule schedule,
        RefreshRecorder recorder,
        PendingTokenSave pendingSave,
        IOptions<KeapServiceAccountOptions> options,
        TimeProvider timeProvider,
        ILogger<RefreshCoordinator> logger)
    {
        _store = store;
        _endpoint = endpoint;
        _cache = cache;
        _schedule = schedule;
        _recorder = recorder;
        _pendingSave = pendingSave;
        _pendingSave.Settled += OnPendingSettled;
        _options = options;
        _time = timeProvider;
        _logger = logger;
        _saveBudget = new CancellationTokenSource(Timeout.InfiniteTimeSpan, timeProvider);
        _stoppingToken = _stopping.Token;
        _saveBudgetToken = _saveBudget.Token;
    }

    /// <summary>Signalled whenever the token this process serves changes version (refresh, adoption, refusal).</summary>
    public event Action? TokenChanged;

    /// <summary>The refusal this process could not record in the store, for the version it concerns.</summary>
    public string? LocalRefusalFor(long version) => _localRefusal is { } r && r.Version == version ? r.Reason : null;

    /// <summary>
    /// Runs or joins the refresh. With <paramref name="forceVersion"/>, the refresh is forced while the stored version
    /// is still that one, and a joined refresh that was not forced counts only if it moved past that version.
    /// </summary>
    public async Task<RefreshOutcome> RefreshAsync(long? forceVersion)
    {
        while (true)
        {
            var (task, forcedAt) = StartOrJoin(forceVersion);
            var outcome = await task.ConfigureAwait(false);
            if (forceVersion is null || forcedAt == forceVersion || (outcome.Token is { } token && token.Version != forceVersion))
            {
                return outcome;
            }

            // The joined run was not forced and left this version in place (it may have read the store before the
            // caller saw it, or found no refresh due). Another unforced run (the background service waking on the
            // change) may start in between, so join again until the caller's own forced run decides. That run never
            // presents a refused refresh token, so after a refusal it only reads.
        }
    }

    /// <summary>Tells the listeners that the token changed outside a refresh (connect, disconnect).</summary>
    public void NotifyChanged() => Subscribers.Raise(TokenChanged, _logger, nameof(TokenChanged));

    /// <summary>Forgets a refusal or pending token after this process connected or disconnected.</summary>
    public void Reset()
    {
        _localRefusal = null;
        _pendingSave.Clear();
    }

    /// <summary>
    /// Stops starting anything new and waits, at most <see cref="KeapServiceAccountOptions.RefreshLeaseDuration"/> plus
    /// <see cref="KeapServiceAccountOptions.ShutdownSaveBudget"/>, for a refresh token on the wire to be answered and stored.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Task running;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            // A token kept in memory gets its last chance to be stored, within the same budget.
            running = Task.WhenAll(_running ?? Task.CompletedTask, _pendingSave.Saving);
            _stopping.Cancel();
        }

        if (!running.IsCompleted)
        {
            var o = _options.Value;
            var limit = o.RefreshLeaseDuration + o.ShutdownSaveBudget;
            lock (_gate)
            {
                if (!_disposed)
                {
                    _saveBudget.CancelAfter(limit);
                }
            }

            TokenLog.StopWaitsForRefresh(_logger, limit);
            try
            {
                await running.WaitAsync(limit, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
            {
                // The host's own shutdown timeout won, or the budget ran out: nothing more can be done in time.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        Dispose();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _stopping.Cancel();

            // A refresh still on the wire (a synchronous dispose does not wait) keeps its copies of the tokens.
            _stopping.Dispose();
            _saveBudget.Dispose();
        }
    }

    private (Task<RefreshOutcome> Task, long? ForcedAt) StartOrJoin(long? forceVersion)
    {
        lock (_gate)
        {
            if (_running is { IsCompleted: false } running)
            {
                return (running, _runningForce);
            }

            // Not tied to any caller: a cancelled caller must not abandon a refresh token mid-flight.
            _runningForce = forceVersion;
            _running = Task.Run(() => RunAsync(forceVersion), CancellationToken.None);
            return (_running, forceVersion);
        }
    }

    private async Task<RefreshOutcome> RunAsync(long? forceVersion)
    {
        using var activity = TokenTelemetry.ActivitySource.StartActivity("keap.token.refresh");
        var started = _time.GetTimestamp();
        var before = _cache.Current?.Stored.Version;
        RefreshOutcome outcome;
        try
        {
            outcome = await RefreshCoreAsync(forceVersion, _stoppingToken).ConfigureAwait(false);
        }
        catch (TokenStoreException ex)
        {
            TokenLog.StoreFailed(_logger, ex);
            outcome = RefreshOutcome.Failed(KeapConnectionState.StoreUnavailable, ex.Message);
        }
        catch (OperationCanceledException) when (_stoppingToken.IsCancellationRequested)
        {
            outcome = RefreshOutcome.Failed(KeapConnectionState.RefreshFailing, "The application is stopping; no refresh was started.");
        }

        _recorder.Record(outcome, _time.GetElapsedTime(started), activity);
        if (_cache.Current?.Stored.Version != before || outcome.Kind == RefreshKind.Refreshed)
        {
            NotifyChanged();
        }

        return outcome;
    }

    private async Task<RefreshOutcome> RefreshCoreAsync(long? forceVersion, CancellationToken stopping)
    {
        var o = _options.Value;

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
            return Adopted(adopted);
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
            var answerBy = RefreshPipelines.AnswerDeadline(lease.AskedAt, o.RefreshLeaseDuration);
            if (_time.GetUtcNow() + o.TokenRequestTimeout > answerBy)
            {
                throw new TokenStoreException("The token store answered so slowly that the refresh lease would end before Keap's answer; the refresh token was not sent.");
            }

            // From here the refresh token is on the wire: stopping no longer cancels the call or the save.
            var (result, earlierFailure) = await CallEndpointAsync(current!.Token.RefreshToken, answerBy, o).ConfigureAwait(false);
            if (RefreshAnswer.Read(result, current.Token, _logger) is ({ } fresh, var noNewAccessToken))
            {
                var saved = await SaveAsync(fresh, current, lease.Lease!).ConfigureAwait(false);
                return noNewAccessToken is null || saved.Kind == RefreshKind.Failed ? saved : RefreshOutcome.Failed(KeapConnectionState.RefreshFailing, noNewAccessToken);
            }

            if (result.Error == TokenEndpointError.InvalidGrant)
            {
                var reread = await _store.GetAsync(_saveBudgetToken).ConfigureAwait(false);
                if (reread is not null && reread.Version != current.Version)
                {
                    return Adopted(reread);
                }

                // After a lost reply, Keap most likely rotated on the first attempt and the retry found the token spent.
                var cause = earlierFailure is null ? string.Empty : $" after an earlier attempt failed without a usable reply ({earlierFailure}), so Keap probably rotated the token on that attempt";
                return await RefusedAsync(current, $"Keap refused the stored refresh token ({result.Description}){cause}. An administrator has to connect again.").ConfigureAwait(false);
            }

            var kind = result.IsTransient ? "Keap's token endpoint kept failing" : "Keap refused the refresh";
            return RefreshOutcome.Failed(KeapConnectionState.RefreshFailing, $"{kind}: {result.Description}");
        }
        finally
        {
            await ReleaseAsync(lease.Lease!).ConfigureAwait(false);
        }
    }

    /// <summary>The outcome when <paramref name="current"/> needs no call to Keap (nothing stored, refused, pending, not due); <see langword="null"/> to refresh.</summary>
    private RefreshOutcome? Settled(StoredToken? current, long? forceVersion, long floorBeforeRead)
    {
        if (current is null)
        {
            if (!_cache.Clear(floorBeforeRead))
            {
                return Served();
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

        if (current.Refusal is not null || LocalRefusalFor(current.Version) is not null || !NeedsRefresh(current, forceVersion))
        {
            return Adopted(current);
        }

        return null;
    }

    private bool NeedsRefresh(StoredToken stored, long? forceVersion) =>
        forceVersion == stored.Version || _time.GetUtcNow() >= _schedule.DueAt(stored, _cache.Current);

    private async Task<LeaseAttempt> AcquireLeaseAsync(StoredToken seen, long? forceVersion, KeapServiceAccountOptions o, CancellationToken stopping)
    {
        var giveUpAt = _time.GetUtcNow() + (2 * o.RefreshLeaseDuration);
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
                return new LeaseAttempt(await _store.TryAcquireLeaseAsync(_owner, o.RefreshLeaseDuration, ct).ConfigureAwait(false), null, askedAt);
            },
            stopping).ConfigureAwait(false);
        return attempt is { Lease: null, Adopted: null }
            ? throw new TokenStoreException("Another instance held the refresh lease for too long without storing a new token.")
            : attempt;
    }

    private async Task<(TokenEndpointResult Result, string? EarlierFailure)> CallEndpointAsync(string refreshToken, DateTimeOffset answerBy, KeapServiceAccountOptions o)
    {
        string? earlierFailure = null;
        var pipeline = RefreshPipelines.Endpoint(_time, answerBy, o.TokenRequestTimeout, (failed, delay) =>
        {
            earlierFailure = failed.Description;
            TokenLog.RefreshRetry(_logger, failed.Error.ToString(), delay);
        });
        try
        {
            // Each call waits for its answer until the lease's deadline and ignores stopping; stopping only ends the pauses between retries.
            var result = await pipeline.ExecuteAsync(
                async _ => await _endpoint.RefreshAsync(refreshToken, answerBy - _time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false),
                _stoppingToken).ConfigureAwait(false);
            return (result, earlierFailure);
        }
        catch (OperationCanceledException) when (_stoppingToken.IsCancellationRequested)
        {
            return (TokenEndpointResult.Failure(TokenEndpointError.Transport, $"The application stopped before the retry ({earlierFailure})."), earlierFailure);
        }
    }

    private async Task<RefreshOutcome> SaveAsync(KeapToken fresh, StoredToken current, TokenLease lease)
    {
        var pipeline = RefreshPipelines.Save(_time, lease.ExpiresAt, ex => TokenLog.SaveRetry(_logger, ex));
        try
        {
            var saved = await pipeline.ExecuteAsync(
                async ct => await _store.TrySaveAsync(fresh, current.Version, ct).ConfigureAwait(false),
                _saveBudgetToken).ConfigureAwait(false);
            if (saved is not null)
            {
                _localRefusal = null;
                return _cache.Set(saved) is null ? Served() : new RefreshOutcome(RefreshKind.Refreshed, saved, KeapConnectionState.Connected, null);
            }

            // Someone wrote while we held the lease (ours lapsed): a newer token of record wins; a rewrite of the token
            // we rotated (a refusal recorded by a peer that presented it after us) does not.
            var winner = await _store.GetAsync(_saveBudgetToken).ConfigureAwait(false);
            if (winner is not null && string.Equals(winner.Token.RefreshToken, current.Token.RefreshToken, StringComparison.Ordinal))
            {
                return KeepInMemory(fresh, current, winner.Version, new TokenStoreException("A peer rewrote the rotated token while this save was late."));
            }

            return winner is not null
                ? Adopted(winner)
                : RefreshOutcome.Failed(KeapConnectionState.NotConnected, "The application was disconnected from Keap while refreshing.");
        }
        catch (Exception ex) when (ex is TokenStoreException || (ex is OperationCanceledException && _saveBudgetToken.IsCancellationRequested))
        {
            return KeepInMemory(fresh, current, current.Version, ex);
        }
    }

    /// <summary>Keap issued <paramref name="fresh"/> but the store did not take it: serve it from memory, save it later.</summary>
    private RefreshOutcome KeepInMemory(KeapToken fresh, StoredToken current, long expectedVersion, Exception cause)
    {
        TokenLog.SavePending(_logger, cause);
        var served = _pendingSave.Keep(fresh, current, expectedVersion, _saveBudgetToken);
        if (served is null)
        {
            return Served();
        }

        return new RefreshOutcome(
            RefreshKind.KeptInMemory,
            served,
            KeapConnectionState.StoreUnavailable,
            $"The new token from Keap is kept in memory until the token store accepts it ({cause.Message}).");
    }

    /// <summary>The token kept in memory was stored, or a newer one (or none) found instead: that is the token of record.</summary>
    private void OnPendingSettled(StoredToken? now, bool saved)
    {
        if (saved)
        {
            _localRefusal = null;
            _cache.Set(now!);
        }
        else if (now is null)
        {
            // PendingTokenSave cleared the cache, unless a connect on this instance overtook its read.
        }
        else
        {
            Adopted(now);
        }

        NotifyChanged();
    }

    private async Task<RefreshOutcome> RefusedAsync(StoredToken current, string reason)
    {
        try
        {
            var marked = await _store.TryMarkRefusedAsync(current.Version, reason, _saveBudgetToken).ConfigureAwait(false);
            if (marked is not null)
            {
                return Adopted(marked);
            }

            var reread = await _store.GetAsync(_saveBudgetToken).ConfigureAwait(false);
            return reread is null
                ? RefreshOutcome.Failed(KeapConnectionState.NotConnected, "The application was disconnected from Keap while refreshing.")
                : Adopted(reread);
        }
        catch (Exception ex) when (ex is TokenStoreException or OperationCanceledException)
        {
            // The store is down: at least this process never presents that refresh token again.
            TokenLog.RefusalNotRecorded(_logger, ex);
            _localRefusal = new LocalRefusal(current.Version, reason);
            return Adopted(current);
        }
    }

    private async Task ReleaseAsync(TokenLease lease)
    {
        try
        {
            await _store.ReleaseLeaseAsync(lease, CancellationToken.None).ConfigureAwait(false);
        }
        catch (TokenStoreException ex)
        {
            // The lease expires by itself; a failed release only delays the next refresh.
            TokenLog.LeaseReleaseFailed(_logger, ex);
        }
    }

    private RefreshOutcome Adopted(StoredToken stored)
    {
        var previous = _cache.Current;
        if (_cache.Set(stored) is null)
        {
            return Served();
        }

        if (_localRefusal is { } local && local.Version != stored.Version)
        {
            _localRefusal = null;
        }

        if (previous is not null && previous.Stored.Version != stored.Version)
        {
            TokenLog.TokenAdopted(_logger, stored.Version);
        }

        return Outcome(stored);
    }

    /// <summary>The outcome for what the cache serves after a connect or disconnect on this instance overtook this run's read.</summary>
    private RefreshOutcome Served() => _cache.Current is { } c
        ? Outcome(c.Stored)
        : RefreshOutcome.Failed(KeapConnectionState.NotConnected, "The application was disconnected from Keap while refreshing.");

    private RefreshOutcome Outcome(StoredToken stored)
    {
        var refusal = stored.Refusal ?? LocalRefusalFor(stored.Version);
        return refusal is not null
            ? RefreshOutcome.Failed(KeapConnectionState.NeedsReauthorization, refusal)
            : new RefreshOutcome(RefreshKind.Adopted, stored, KeapConnectionState.Connected, null);
    }

    private sealed record LeaseAttempt(TokenLease? Lease, StoredToken? Adopted, DateTimeOffset AskedAt);

    private sealed record LocalRefusal(long Version, string Reason);
}
