using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Keap.ServiceAccount.Tokens.Internal;

/// <summary>
/// A token Keap issued that the store did not accept before the refresh lease ended. It is served from memory while
/// the compare-and-swap is retried with back-off against the version it replaces (the fence) until it lands, or a
/// newer token (a reconnect) or a disconnect is found instead.
/// </summary>
internal sealed class PendingTokenSave(GuardedTokenStore store, TokenCache cache, ConnectionStatusTracker status, TimeProvider timeProvider, ILogger<PendingTokenSave> logger)
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private volatile Pending? _pending;
    private Task _saving = Task.CompletedTask;

    /// <summary>
    /// Raised when the wait ends: with the token as stored (<c>saved</c>), or with the newer token found instead, or
    /// <see langword="null"/> after a disconnect.
    /// </summary>
    public event Action<StoredToken?, bool>? Settled;

    /// <summary>The refresh token the waiting token replaced (spent at Keap), or <see langword="null"/> when none waits.</summary>
    public string? SpentRefreshToken => _pending?.SpentRefreshToken;

    /// <summary>The save in progress, for stopping to wait on.</summary>
    public Task Saving
    {
        get
        {
            lock (_gate)
            {
                return _saving;
            }
        }
    }

    /// <summary>Serves <paramref name="fresh"/> from memory and starts saving it; <paramref name="budget"/> ends the attempts (when stopping).</summary>
    /// <returns>The token as served (under the version it replaces), or <see langword="null"/> when a connect or disconnect on this instance made <paramref name="current"/> obsolete.</returns>
    public StoredToken? Keep(KeapToken fresh, StoredToken current, long expectedVersion, CancellationToken budget)
    {
        var pending = new Pending(fresh, current.Token.RefreshToken, expectedVersion);
        _pending = pending;
        if (cache.Set(new StoredToken(fresh, current.Version), pending: true) is not { } served)
        {
            _pending = null;
            return null;
        }

        lock (_gate)
        {
            _saving = Task.Run(() => SaveAsync(pending, budget), CancellationToken.None);
        }

        return served.Stored;
    }

    /// <summary>Stops waiting: the store holds another token now, or this process connected or disconnected.</summary>
    public void Clear() => _pending = null;

    private async Task SaveAsync(Pending pending, CancellationToken budget)
    {
        var pipeline = new ResiliencePipelineBuilder<bool> { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions<bool>
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is TokenStoreException || args.Outcome.Result is false),
                MaxRetryAttempts = int.MaxValue,
                Delay = TimeSpan.FromSeconds(1),
                MaxDelay = MaxDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
            })
            .Build();
        try
        {
            // Bounded only by the save budget, armed when stopping starts: until then it tries for as long as it takes.
            await pipeline.ExecuteAsync(async ct => await TrySaveAsync(pending, ct).ConfigureAwait(false), budget).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (budget.IsCancellationRequested)
        {
            // Stopped with the store still down: the token is lost with the process, as the README's crash table says.
        }
    }

    /// <returns><see langword="true"/> when done (stored, or superseded); <see langword="false"/> to try again.</returns>
    private async Task<bool> TrySaveAsync(Pending pending, CancellationToken cancellationToken)
    {
        if (_pending != pending)
        {
            return true;
        }

        var saved = await store.TrySaveAsync(pending.Token, pending.ExpectedVersion, cancellationToken).ConfigureAwait(false);
        if (saved is not null)
        {
            _pending = null;
            status.Refreshed();
            TokenLog.PendingSaved(logger, saved.Version);
            Subscribers.Raise(Settled, saved, true, logger, nameof(Settled));
            return true;
        }

        var floor = cache.Floor;
        var now = await store.GetAsync(cancellationToken).ConfigureAwait(false);
        if (now is not null && string.Equals(now.Token.RefreshToken, pending.SpentRefreshToken, StringComparison.Ordinal))
        {
            // Still the token this process rotated, rewritten (a peer recorded its refusal): fence on the new version.
            pending.ExpectedVersion = now.Version;
            return false;
        }

        // A newer token (a reconnect) or a disconnect: that is the token of record now.
        _pending = null;
        if (now is null)
        {
            cache.Clear(floor);
        }

        Subscribers.Raise(Settled, now, false, logger, nameof(Settled));
        return true;
    }

    /// <summary>The waiting token and the fence its save expects.</summary>
    private sealed class Pending(KeapToken token, string spentRefreshToken, long expectedVersion)
    {
        public KeapToken Token { get; } = token;

        public string SpentRefreshToken { get; } = spentRefreshToken;

        public long ExpectedVersion { get; set; } = expectedVersion;
    }
}
