using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Keap.ServiceAccount.Tokens.Internal;

/// <summary>
/// Starts or joins this process's one refresh run (<see cref="LeasedRefresh"/>: a store lease across processes, a
/// compare-and-swap save, refusals recorded in the store), records its outcome and signals the change, and stops, so
/// that a single-use refresh token is spent at most once. Once a refresh token is on the
/// wire, it is given until the lease ends to be answered and is not sent again unless it provably never reached Keap;
/// neither the call nor the save that follows is cancelled by the application stopping.
/// </summary>
internal sealed class RefreshCoordinator : IAsyncDisposable, IDisposable
{
    private readonly LeasedRefresh _run;
    private readonly TokenAdoption _adoption;
    private readonly TokenCache _cache;
    private readonly RefreshRecorder _recorder;
    private readonly PendingTokenSave _pendingSave;
    private readonly RefreshStopSignals _signals;
    private readonly IOptions<KeapServiceAccountOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<RefreshCoordinator> _logger;
    private readonly Lock _gate = new();
    private Task<RefreshOutcome>? _running;
    private long? _runningForce;

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
        _cache = cache;
        _recorder = recorder;
        _pendingSave = pendingSave;
        _pendingSave.Settled += OnPendingSettled;
        _options = options;
        _time = timeProvider;
        _logger = logger;
        _signals = new RefreshStopSignals(timeProvider);
        _adoption = new TokenAdoption(cache, logger);
        _run = new LeasedRefresh(store, endpoint, cache, schedule, pendingSave, _adoption, _signals, options, timeProvider, logger);
    }

    /// <summary>Signalled whenever the token this process serves changes version (refresh, adoption, refusal).</summary>
    public event Action? TokenChanged;

    /// <summary>The refusal this process could not record in the store, for the version it concerns.</summary>
    public string? LocalRefusalFor(long version) => _adoption.LocalRefusalFor(version);

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
        _adoption.ForgetRefusal();
        _pendingSave.Clear();
    }

    /// <summary>
    /// Stops starting anything new and waits, at most <see cref="KeapRefreshOptions.LeaseDuration"/> plus
    /// <see cref="KeapRefreshOptions.ShutdownSaveBudget"/>, for a refresh token on the wire to be answered and stored.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Task running;
        lock (_gate)
        {
            if (_signals.IsDisposed)
            {
                return;
            }

            // A token kept in memory gets its last chance to be stored, within the same budget.
            running = Task.WhenAll(_running ?? Task.CompletedTask, _pendingSave.Saving);
            _signals.Stop();
        }

        if (!running.IsCompleted)
        {
            var o = _options.Value;
            var limit = o.Refresh.LeaseDuration + o.Refresh.ShutdownSaveBudget;
            lock (_gate)
            {
                _signals.LimitSaves(limit);
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
            _signals.Dispose();
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
            outcome = await _run.RunAsync(forceVersion).ConfigureAwait(false);
        }
        catch (TokenStoreException ex)
        {
            TokenLog.StoreFailed(_logger, ex);
            outcome = RefreshOutcome.Failed(KeapConnectionState.StoreUnavailable, ex.Message);
        }
        catch (OperationCanceledException) when (_signals.Stopping.IsCancellationRequested)
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

    /// <summary>The token kept in memory was stored, or a newer one (or none) found instead: that is the token of record.</summary>
    private void OnPendingSettled(StoredToken? now, bool saved)
    {
        if (saved)
        {
            _adoption.Refreshed(now!);
        }
        else if (now is null)
        {
            // PendingTokenSave cleared the cache, unless a connect on this instance overtook its read.
        }
        else
        {
            _adoption.Adopt(now);
        }

        NotifyChanged();
    }
}
