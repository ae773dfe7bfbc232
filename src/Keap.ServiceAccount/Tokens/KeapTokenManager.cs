using Keap.ServiceAccount.Tokens.Internal;
using Microsoft.Extensions.Options;

namespace Keap.ServiceAccount.Tokens;

/// <summary>
/// Hands out the access token (<see cref="TokenCache"/>, timed by <see cref="RefreshSchedule"/>), has it renewed (<see cref="RefreshCoordinator"/>) and
/// composes the connection status (<see cref="ConnectionStatusTracker"/> and the store). After a failed refresh, every
/// automatic path keeps the <see cref="RefreshBackoff"/> pause: callers meanwhile get the failure at once.
/// </summary>
internal sealed class KeapTokenManager(
    GuardedTokenStore store,
    TokenCache cache,
    RefreshSchedule schedule,
    RefreshCoordinator coordinator,
    RefreshBackoff backoff,
    ConnectionStatusTracker tracker,
    IOptions<KeapServiceAccountOptions> options,
    TimeProvider timeProvider) : IAccessTokenProvider
{
    private long _connections;

    /// <summary>Signalled whenever the token this process serves changes (connect, refresh, adoption, disconnect).</summary>
    public event Action? TokenChanged
    {
        add => coordinator.TokenChanged += value;
        remove => coordinator.TokenChanged -= value;
    }

    /// <summary>When this instance plans its next refresh (the jittered start of the soft window), or <see langword="null"/> when nothing is to be refreshed.</summary>
    public DateTimeOffset? NextRefreshAt => cache.Current is { Stored.Refusal: null, Pending: false } c && coordinator.LocalRefusalFor(c.Stored.Version) is null ? c.SoftAt : null;

    public ValueTask<string> GetAccessTokenAsync(CancellationToken cancellationToken)
    {
        var cached = cache.Current;
        if (cached is not null)
        {
            var now = timeProvider.GetUtcNow();
            if (now < cached.FastUntil)
            {
                return new ValueTask<string>(cached.AccessToken);
            }

            if (now < cached.HardAt)
            {
                // The soft window or a version check is due: both run in the background, the caller keeps the token.
                if (!backoff.IsPaused(now))
                {
                    StartBackgroundRefresh();
                }

                return new ValueTask<string>(cached.AccessToken);
            }
        }

        return GetAccessTokenSlowAsync(cancellationToken);
    }

    public async ValueTask<string> GetAccessTokenAfterRejectionAsync(string rejectedAccessToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rejectedAccessToken);
        var cached = cache.Current;
        if (cached is not null && !string.Equals(cached.AccessToken, rejectedAccessToken, StringComparison.Ordinal))
        {
            // Someone already replaced the rejected token: use the current one.
            return await GetAccessTokenAsync(cancellationToken).ConfigureAwait(false);
        }

        var outcome = backoff.PausedFailure(timeProvider.GetUtcNow())
            ?? await coordinator.RefreshAsync(cached?.Stored.Version).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (outcome.Token is { } stored
            && !string.Equals(stored.Token.AccessToken, rejectedAccessToken, StringComparison.Ordinal)
            && stored.Token.AccessTokenExpiresAt > timeProvider.GetUtcNow())
        {
            return stored.Token.AccessToken;
        }

        // Never the token Keap just rejected: a clear error instead, transient unless an administrator must act.
        var state = outcome.State is KeapConnectionState.Connected ? KeapConnectionState.RefreshFailing : outcome.State;
        throw new KeapAuthorizationException(
            state,
            $"Keap rejected the access token and no new one could be obtained: {outcome.Error ?? "the refresh ended with the rejected token still current."}");
    }

    /// <summary>Runs (or joins) a refresh, even during the failure pause; forced while the stored version is still <paramref name="forceVersion"/>.</summary>
    public Task<RefreshOutcome> RefreshAsync(long? forceVersion) => coordinator.RefreshAsync(forceVersion);

    /// <summary>Runs (or joins) an unforced refresh, unless the failure pause is on: then its failure, at once.</summary>
    public Task<RefreshOutcome> RefreshUnlessPausedAsync() =>
        backoff.PausedFailure(timeProvider.GetUtcNow()) is { } paused ? Task.FromResult(paused) : coordinator.RefreshAsync(forceVersion: null);

    /// <summary>Reads the store and the process's view of the connection for the status page and the health check.</summary>
    public async Task<KeapConnectionStatus> GetStatusAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (o.UsesServiceAccountKey)
        {
            return new KeapConnectionStatus { State = KeapConnectionState.Connected, UsesServiceAccountKey = true };
        }

        var seen = tracker.Current;
        var cached = cache.Current;
        StoredToken? stored;
        try
        {
            stored = await store.GetAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (TokenStoreException ex)
        {
            // Known to be unknown: never reported as "not connected".
            return Describe(KeapConnectionState.StoreUnavailable, cached?.Stored.Token, seen, ex.Message, timeProvider.GetUtcNow());
        }

        if (cached is { Pending: true } pending)
        {
            return Describe(KeapConnectionState.StoreUnavailable, pending.Stored.Token, seen, seen.Error, seen.ErrorAt);
        }

        if (stored is null)
        {
            return new KeapConnectionStatus { State = KeapConnectionState.NotConnected, LastRefreshAt = seen.LastRefreshAt };
        }

        if ((stored.Refusal ?? coordinator.LocalRefusalFor(stored.Version)) is { } refusal)
        {
            return Describe(KeapConnectionState.NeedsReauthorization, stored.Token, seen, refusal, seen.ErrorAt);
        }

        return Describe(seen.FailureState is null ? KeapConnectionState.Connected : KeapConnectionState.RefreshFailing, stored.Token, seen, seen.Error, seen.ErrorAt);
    }

    /// <summary>How many times an administrator connected through this process; grows before <see cref="TokenChanged"/> is signalled.</summary>
    /// <remarks>A reconnect keeps the status <see cref="KeapConnectionState.Connected"/>, so followers of the account (the hook reconciler) tell it by this count.</remarks>
    public long Connections => Interlocked.Read(ref _connections);

    /// <summary>Starts serving a token this process just stored (after connecting), forgetting any refusal.</summary>
    public void Adopt(StoredToken stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        Interlocked.Increment(ref _connections);
        coordinator.Reset();
        backoff.Reset();
        cache.Set(stored);
        tracker.Reset();
        coordinator.NotifyChanged();
    }

    /// <summary>Forgets the token after a disconnect.</summary>
    public void Forget()
    {
        coordinator.Reset();
        backoff.Reset();
        cache.Forget();
        tracker.Reset();
        coordinator.NotifyChanged();
    }

    private KeapConnectionStatus Describe(KeapConnectionState state, KeapToken? token, ConnectionStatusTracker.Snapshot seen, string? error, DateTimeOffset? errorAt)
    {
        var now = timeProvider.GetUtcNow();
        var o = options.Value;
        var left = token is null ? (TimeSpan?)null : token.RefreshTokenIssuedAt + o.Refresh.RefreshTokenLifetime - now;
        return new KeapConnectionStatus
        {
            State = state,
            Account = token?.Account,
            AccessTokenExpiresAt = token?.AccessTokenExpiresAt,
            NextRefreshAt = state is KeapConnectionState.NeedsReauthorization || token is null
                ? null
                : cache.Current is { } c && string.Equals(c.AccessToken, token.AccessToken, StringComparison.Ordinal) ? NextRefreshAt : schedule.Plan(token).DueAt,
            RefreshTokenIssuedAt = token?.RefreshTokenIssuedAt,
            RefreshTokenAge = token is null ? null : now - token.RefreshTokenIssuedAt,
            RefreshTokenDaysLeft = left is { } l ? Math.Max(0, (int)l.TotalDays) : null,
            LastRefreshAt = seen.LastRefreshAt,
            LastError = error,
            LastErrorAt = error is null ? null : errorAt,
        };
    }

    private async ValueTask<string> GetAccessTokenSlowAsync(CancellationToken cancellationToken)
    {
        var outcome = await RefreshUnlessPausedAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        var now = timeProvider.GetUtcNow();
        if (outcome.Token is { } stored && stored.Token.AccessTokenExpiresAt > now)
        {
            return stored.Token.AccessToken;
        }

        // A failing refresh or store does not stop a still-valid token from being served (the status says what fails).
        if (outcome.State is KeapConnectionState.RefreshFailing or KeapConnectionState.StoreUnavailable
            && cache.Current is { } still && still.Stored.Token.AccessTokenExpiresAt > now)
        {
            return still.AccessToken;
        }

        throw new KeapAuthorizationException(
            outcome.State == KeapConnectionState.Connected ? KeapConnectionState.RefreshFailing : outcome.State,
            outcome.Error ?? "No usable Keap access token: the refresh ended without one and the store holds none that is still valid.");
    }

    private void StartBackgroundRefresh()
    {
        var task = coordinator.RefreshAsync(forceVersion: null);

        // Background refreshes are observed through the status and the logs; avoid unobserved exceptions.
        _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }
}
