using System.Diagnostics;
using System.Diagnostics.Metrics;
using Keap.ServiceAccount.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Keap.ServiceAccount.Tokens;

/// <summary>
/// Hands out the access token and renews it so that a single-use refresh token is spent at most once:
/// one refresh task per process, a store lease across processes, and a compare-and-swap save before the new
/// access token is used.
/// </summary>
internal sealed class KeapTokenManager : IAccessTokenProvider, IDisposable
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan BackgroundRetryPause = TimeSpan.FromSeconds(30);
    private const int MaxEndpointAttempts = 4;

    private readonly ITokenStore _store;
    private readonly TokenEndpointClient _endpoint;
    private readonly IOptionsMonitor<KeapServiceAccountOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<KeapTokenManager> _logger;
    private readonly TokenTelemetry _telemetry;
    private readonly string _owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _shutdown = new();

    // Read on the hot path without a lock: replaced as a whole, never mutated.
    private volatile CachedToken? _cached;
    private volatile SpentToken? _spent;
    private Task<RefreshOutcome>? _refresh;
    private long _backgroundNotBefore;
    private int _disposed;
    private DateTimeOffset? _lastRefreshAt;
    private string? _lastError;
    private DateTimeOffset? _lastErrorAt;

    public KeapTokenManager(
        ITokenStore store,
        TokenEndpointClient endpoint,
        IOptionsMonitor<KeapServiceAccountOptions> options,
        TimeProvider timeProvider,
        IMeterFactory meterFactory,
        ILogger<KeapTokenManager> logger)
    {
        _store = store;
        _endpoint = endpoint;
        _options = options;
        _time = timeProvider;
        _logger = logger;
        _telemetry = new TokenTelemetry(meterFactory, SecondsToExpiry);
    }

    /// <summary>Signalled whenever the stored token changes through this process (connect, refresh, disconnect).</summary>
    public event Action? TokenChanged;

    /// <summary>When the background service plans the next refresh, for the status page.</summary>
    public DateTimeOffset? ScheduledRefreshAt { get; set; }

    public ValueTask<string> GetAccessTokenAsync(CancellationToken cancellationToken)
    {
        var cached = _cached;
        if (cached is not null)
        {
            var now = _time.GetUtcNow();
            if (now < cached.SoftAt)
            {
                return new ValueTask<string>(cached.AccessToken);
            }

            if (now < cached.HardAt)
            {
                StartBackgroundRefresh(cached);
                return new ValueTask<string>(cached.AccessToken);
            }
        }

        return GetAccessTokenSlowAsync(forceVersion: null, cancellationToken);
    }

    public ValueTask<string> GetAccessTokenAfterRejectionAsync(string rejectedAccessToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rejectedAccessToken);
        var cached = _cached;
        if (cached is not null && !string.Equals(cached.AccessToken, rejectedAccessToken, StringComparison.Ordinal))
        {
            // Someone already replaced the rejected token: use the current one.
            return GetAccessTokenAsync(cancellationToken);
        }

        return GetAccessTokenSlowAsync(cached?.Stored.Version, cancellationToken);
    }

    /// <summary>Runs (or joins) a refresh; forced only while the stored version is still <paramref name="forceVersion"/>.</summary>
    public Task<RefreshOutcome> RefreshAsync(long? forceVersion) => StartRefresh(forceVersion);

    /// <summary>Reads the store and the process's view of the connection for the status page and the health check.</summary>
    public async Task<KeapConnectionStatus> GetStatusAsync(CancellationToken cancellationToken)
    {
        var o = _options.CurrentValue;
        if (o.UsesServiceAccountKey)
        {
            return new KeapConnectionStatus { State = KeapConnectionState.Connected, UsesServiceAccountKey = true };
        }

        StoredToken? stored;
        try
        {
            stored = await _store.GetAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (TokenStoreException ex)
        {
            RecordError(ex.Message);
            stored = null;
        }

        (string? error, DateTimeOffset? errorAt, DateTimeOffset? lastRefresh) state;
        lock (_gate)
        {
            state = (_lastError, _lastErrorAt, _lastRefreshAt);
        }

        if (stored is null)
        {
            return new KeapConnectionStatus
            {
                State = KeapConnectionState.NotConnected,
                LastError = state.error,
                LastErrorAt = state.errorAt,
                LastRefreshAt = state.lastRefresh,
            };
        }

        var now = _time.GetUtcNow();
        var token = stored.Token;
        var spent = _spent;
        var age = now - token.RefreshTokenIssuedAt;
        var left = token.RefreshTokenIssuedAt + o.RefreshTokenLifetime - now;
        return new KeapConnectionStatus
        {
            State = spent is not null && spent.Version == stored.Version ? KeapConnectionState.NeedsReauthorization : KeapConnectionState.Connected,
            Account = token.Account,
            AccessTokenExpiresAt = token.AccessTokenExpiresAt,
            NextRefreshAt = ScheduledRefreshAt ?? PlanRefresh(token),
            RefreshTokenIssuedAt = token.RefreshTokenIssuedAt,
            RefreshTokenAge = age,
            RefreshTokenDaysLeft = Math.Max(0, (int)left.TotalDays),
            LastRefreshAt = state.lastRefresh,
            LastError = spent is not null && spent.Version == stored.Version ? spent.Reason : state.error,
            LastErrorAt = state.errorAt,
        };
    }

    /// <summary>When <paramref name="token"/> should be refreshed: the start of the soft window or the keep-alive age, whichever is first.</summary>
    public DateTimeOffset PlanRefresh(KeapToken token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var o = _options.CurrentValue;
        var soft = token.AccessTokenExpiresAt - o.SoftRefreshWindow;
        var keepAlive = token.RefreshTokenIssuedAt + o.RefreshTokenKeepAliveAge;
        return soft < keepAlive ? soft : keepAlive;
    }

    /// <summary>Starts serving a token this process just stored (after connecting), forgetting any spent one.</summary>
    public void Adopt(StoredToken stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        _spent = null;
        SetCurrent(stored);
        lock (_gate)
        {
            _lastError = null;
            _lastErrorAt = null;
        }

        TokenChanged?.Invoke();
    }

    /// <summary>Forgets the token after a disconnect.</summary>
    public void Forget()
    {
        _cached = null;
        _spent = null;
        TokenChanged?.Invoke();
    }

    /// <summary>Records an error for the status page (authorization failures, store failures).</summary>
    public void RecordError(string message)
    {
        lock (_gate)
        {
            _lastError = message;
            _lastErrorAt = _time.GetUtcNow();
        }
    }

    public void Dispose()
    {
        // Registered under two service types, so the container may dispose it twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _shutdown.Cancel();
        _shutdown.Dispose();
    }

    private async ValueTask<string> GetAccessTokenSlowAsync(long? forceVersion, CancellationToken cancellationToken)
    {
        // Two rounds: a refresh that ended without a token (a peer rotated meanwhile) is followed by a re-read, and a
        // joined refresh that was not forced is forced once if it handed back the rejected token.
        for (var round = 0; ; round++)
        {
            var outcome = await StartRefresh(forceVersion).WaitAsync(cancellationToken).ConfigureAwait(false);
            var stillRejected = round == 0 && forceVersion is not null && outcome.Token?.Version == forceVersion;
            if (!stillRejected && outcome.Token is { } stored && stored.Token.AccessTokenExpiresAt > _time.GetUtcNow())
            {
                return stored.Token.AccessToken;
            }

            // A failing refresh does not stop a still-valid token from being served (the health check shows Degraded).
            if (!stillRejected && outcome.State == KeapConnectionState.Connected && _cached is { } still && still.Stored.Token.AccessTokenExpiresAt > _time.GetUtcNow())
            {
                return still.AccessToken;
            }

            if (outcome.State != KeapConnectionState.Connected || round == 1)
            {
                throw new KeapAuthorizationException(
                    outcome.State,
                    outcome.Error ?? "No usable Keap access token: the refresh ended without one and the store holds none that is still valid.");
            }

            if (!stillRejected)
            {
                forceVersion = null;
            }
        }
    }

    private void StartBackgroundRefresh(CachedToken cached)
    {
        if (_spent?.Version == cached.Stored.Version || _time.GetUtcNow().UtcTicks < Volatile.Read(ref _backgroundNotBefore))
        {
            return;
        }

        var task = StartRefresh(forceVersion: null);

        // Background refreshes are observed through the status and the logs; avoid unobserved exceptions.
        _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    private Task<RefreshOutcome> StartRefresh(long? forceVersion)
    {
        lock (_gate)
        {
            if (_refresh is { IsCompleted: false } running)
            {
                return running;
            }

            // Not tied to any caller: a cancelled caller must not abandon a refresh token mid-flight.
            _refresh = Task.Run(() => RunRefreshAsync(forceVersion), CancellationToken.None);
            return _refresh;
        }
    }

    private async Task<RefreshOutcome> RunRefreshAsync(long? forceVersion)
    {
        using var activity = TokenTelemetry.ActivitySource.StartActivity("keap.token.refresh");
        var started = _time.GetTimestamp();
        RefreshOutcome outcome;
        try
        {
            outcome = await RefreshCoreAsync(forceVersion, _shutdown.Token).ConfigureAwait(false);
        }
        catch (TokenStoreException ex)
        {
            TokenLog.StoreReadFailed(_logger, ex);
            outcome = RefreshOutcome.Failed(KeapConnectionState.Connected, ex.Message);
        }
        catch (OperationCanceledException) when (_shutdown.IsCancellationRequested)
        {
            outcome = RefreshOutcome.Failed(KeapConnectionState.Connected, "The application is shutting down.");
        }

        var duration = _time.GetElapsedTime(started);
        activity?.SetTag("keap.token.refresh.result", outcome.Kind.ToString());
        switch (outcome.Kind)
        {
            case RefreshKind.Refreshed:
                _telemetry.Refreshed(duration);
                lock (_gate)
                {
                    _lastRefreshAt = _time.GetUtcNow();
                    _lastError = null;
                    _lastErrorAt = null;
                }

                TokenLog.RefreshSucceeded(_logger, outcome.Token!.Token.AccessTokenExpiresAt);
                TokenChanged?.Invoke();
                break;
            case RefreshKind.Failed:
                activity?.SetStatus(ActivityStatusCode.Error, outcome.Error);
                _telemetry.Failed(outcome.State.ToString(), duration);
                RecordError(outcome.Error!);

                // Callers in the soft window trigger background refreshes; after a failure they pause so Keap is not hammered.
                Volatile.Write(ref _backgroundNotBefore, (_time.GetUtcNow() + BackgroundRetryPause).UtcTicks);
                if (outcome.State == KeapConnectionState.NeedsReauthorization)
                {
                    TokenLog.NeedsReauthorization(_logger, outcome.Error!);
                }
                else
                {
                    TokenLog.RefreshFailed(_logger, outcome.Error!);
                }

                break;
        }

        return outcome;
    }

    private async Task<RefreshOutcome> RefreshCoreAsync(long? forceVersion, CancellationToken cancellationToken)
    {
        var o = _options.CurrentValue;
        var current = await _store.GetAsync(cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            _cached = null;
            return RefreshOutcome.Failed(KeapConnectionState.NotConnected, "No Keap token is stored: an administrator has to connect the application to Keap.");
        }

        if (!NeedsRefresh(current, forceVersion))
        {
            return Adopted(current);
        }

        TokenLog.RefreshStarted(_logger);
        var lease = await AcquireLeaseAsync(current, forceVersion, o, cancellationToken).ConfigureAwait(false);
        if (lease.Adopted is { } adopted)
        {
            return Adopted(adopted);
        }

        try
        {
            // Another process may have rotated between our read and the lease: only its token counts now.
            current = await _store.GetAsync(cancellationToken).ConfigureAwait(false);
            if (current is null)
            {
                _cached = null;
                return RefreshOutcome.Failed(KeapConnectionState.NotConnected, "The application was disconnected from Keap while refreshing.");
            }

            if (!NeedsRefresh(current, forceVersion))
            {
                return Adopted(current);
            }

            if (_spent?.Version == current.Version)
            {
                return RefreshOutcome.Failed(KeapConnectionState.NeedsReauthorization, _spent.Reason);
            }

            var (result, earlierFailure) = await CallEndpointAsync(current.Token.RefreshToken, lease.Lease!, o, cancellationToken).ConfigureAwait(false);
            if (result.Token is { } fresh)
            {
                return await SaveAsync(fresh, current, lease.Lease!, cancellationToken).ConfigureAwait(false);
            }

            if (result.Error == TokenEndpointError.InvalidGrant)
            {
                var reread = await _store.GetAsync(cancellationToken).ConfigureAwait(false);
                if (reread is not null && reread.Version != current.Version)
                {
                    return Adopted(reread);
                }

                // After a lost reply, Keap most likely rotated on the first attempt and the retry found the token spent.
                var cause = earlierFailure is null ? string.Empty : $" after an earlier attempt failed without a usable reply ({earlierFailure}), so Keap probably rotated the token on that attempt";
                return MarkSpent(current, $"Keap refused the stored refresh token ({result.Description}){cause}. An administrator has to connect again.");
            }

            var kind = result.IsTransient ? "Keap's token endpoint kept failing" : "Keap refused the refresh";
            return RefreshOutcome.Failed(KeapConnectionState.Connected, $"{kind}: {result.Description}");
        }
        finally
        {
            await ReleaseAsync(lease.Lease!).ConfigureAwait(false);
        }
    }

    private bool NeedsRefresh(StoredToken stored, long? forceVersion)
    {
        if (forceVersion == stored.Version)
        {
            return true;
        }

        return _time.GetUtcNow() >= PlanRefresh(stored.Token);
    }

    private async Task<LeaseAttempt> AcquireLeaseAsync(StoredToken seen, long? forceVersion, KeapServiceAccountOptions o, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        var giveUpAt = _time.GetUtcNow() + (2 * o.RefreshLeaseDuration);
        var logged = false;
        while (true)
        {
            var lease = await _store.TryAcquireLeaseAsync(_owner, o.RefreshLeaseDuration, cancellationToken).ConfigureAwait(false);
            if (lease is not null)
            {
                return new LeaseAttempt(lease, null);
            }

            if (!logged)
            {
                TokenLog.LeaseWait(_logger);
                logged = true;
            }

            if (_time.GetUtcNow() >= giveUpAt)
            {
                throw new TokenStoreException("Another instance held the refresh lease for too long without storing a new token.");
            }

            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));

            // The holder may have finished: its token ends the wait without taking the lease.
            var now = await _store.GetAsync(cancellationToken).ConfigureAwait(false);
            if (now is not null && now.Version != seen.Version && !NeedsRefresh(now, forceVersion))
            {
                return new LeaseAttempt(null, now);
            }
        }
    }

    private async Task<(TokenEndpointResult Result, string? EarlierFailure)> CallEndpointAsync(string refreshToken, TokenLease lease, KeapServiceAccountOptions o, CancellationToken cancellationToken)
    {
        var delay = FirstRetryDelay;
        string? earlierFailure = null;
        for (var attempt = 1; ; attempt++)
        {
            var result = await _endpoint.RefreshAsync(refreshToken, cancellationToken).ConfigureAwait(false);

            // Retrying the same refresh token is right only when the reply may have been lost; stop while the lease still covers a full attempt.
            if (!result.IsTransient
                || attempt >= MaxEndpointAttempts
                || _time.GetUtcNow() + delay + o.TokenRequestTimeout >= lease.ExpiresAt)
            {
                return (result, earlierFailure);
            }

            earlierFailure = result.Description;
            TokenLog.RefreshRetry(_logger, result.Error.ToString(), delay);
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
        }
    }

    private async Task<RefreshOutcome> SaveAsync(KeapToken fresh, StoredToken current, TokenLease lease, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        while (true)
        {
            try
            {
                var saved = await _store.TrySaveAsync(fresh, current.Version, cancellationToken).ConfigureAwait(false);
                if (saved is not null)
                {
                    _spent = null;
                    SetCurrent(saved);
                    return new RefreshOutcome(RefreshKind.Refreshed, saved, KeapConnectionState.Connected, null);
                }

                // Someone wrote while we held the lease (ours lapsed): theirs is the token of record.
                var winner = await _store.GetAsync(cancellationToken).ConfigureAwait(false);
                return winner is not null
                    ? Adopted(winner)
                    : RefreshOutcome.Failed(KeapConnectionState.NotConnected, "The application was disconnected from Keap while refreshing.");
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                if (_time.GetUtcNow() + delay >= lease.ExpiresAt)
                {
                    return MarkSpent(current, $"The refresh token was spent but the new token could not be stored ({ex.GetType().Name}: {ex.Message}). An administrator has to connect again.");
                }

                TokenLog.SaveRetry(_logger, ex);
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    private async Task ReleaseAsync(TokenLease lease)
    {
        try
        {
            await _store.ReleaseLeaseAsync(lease, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The lease expires by itself; a failed release only delays the next refresh.
            TokenLog.LeaseReleaseFailed(_logger, ex);
        }
    }

    private RefreshOutcome Adopted(StoredToken stored)
    {
        var previous = _cached;
        SetCurrent(stored);
        if (previous is not null && previous.Stored.Version != stored.Version)
        {
            TokenLog.TokenAdopted(_logger, stored.Version);
        }

        if (_spent is { } spent && spent.Version != stored.Version)
        {
            _spent = null;
        }

        return _spent is { } stillSpent
            ? RefreshOutcome.Failed(KeapConnectionState.NeedsReauthorization, stillSpent.Reason)
            : new RefreshOutcome(RefreshKind.Adopted, stored, KeapConnectionState.Connected, null);
    }

    private RefreshOutcome MarkSpent(StoredToken stored, string reason)
    {
        // The stored token stays for diagnosis; its refresh token is never sent again.
        _spent = new SpentToken(stored.Version, reason);
        return RefreshOutcome.Failed(KeapConnectionState.NeedsReauthorization, reason);
    }

    private void SetCurrent(StoredToken stored)
    {
        var o = _options.CurrentValue;
        var token = stored.Token;
        var soft = PlanRefresh(token);
        var hard = token.AccessTokenExpiresAt - o.HardRefreshWindow;
        _cached = new CachedToken(stored, token.AccessToken, soft < hard ? soft : hard, hard);
    }

    private double? SecondsToExpiry() =>
        _cached is { } cached ? (cached.Stored.Token.AccessTokenExpiresAt - _time.GetUtcNow()).TotalSeconds : null;

    private sealed record CachedToken(StoredToken Stored, string AccessToken, DateTimeOffset SoftAt, DateTimeOffset HardAt);

    private sealed record SpentToken(long Version, string Reason);

    private sealed record LeaseAttempt(TokenLease? Lease, StoredToken? Adopted);
}

/// <summary>What a refresh did.</summary>
internal enum RefreshKind
{
    /// <summary>This process called Keap and stored a new token.</summary>
    Refreshed,

    /// <summary>No call was needed: the stored token (possibly rotated by another process) is current.</summary>
    Adopted,

    /// <summary>No usable new token; <see cref="RefreshOutcome.Error"/> says why.</summary>
    Failed,
}

/// <summary>The result of one shared refresh, seen by every caller that joined it.</summary>
internal sealed record RefreshOutcome(RefreshKind Kind, StoredToken? Token, KeapConnectionState State, string? Error)
{
    public static RefreshOutcome Failed(KeapConnectionState state, string error) =>
        new(RefreshKind.Failed, null, state, error);
}
