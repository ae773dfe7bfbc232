namespace Keap.ServiceAccount.Tokens.Internal;

/// <summary>
/// The pause after a failed refresh, kept by every automatic path (the soft and hard windows, an expired token, a 401,
/// the background refresher) so that Keap's token endpoint and the store are never hammered, whatever they answer.
/// </summary>
/// <remarks>
/// The pause is <see cref="FirstPause"/> after a failure, doubling with each further failure up to <see cref="MaxPause"/>,
/// each with up to a fifth added at random (never taken off) so instances drift apart; any good outcome ends it. A run
/// presents the refresh token at most four times, and only after an answer that says no token came or when nothing
/// reached Keap; runs are at least 10, 20, 40 s apart, so one process sends at most 12 <c>/token</c> requests in any
/// minute (three runs), and at most 4 every two minutes once the pause is at its longest. Only an explicit refresh
/// (an administrator's "Refresh now") runs during a pause.
/// </remarks>
internal sealed class RefreshBackoff(TimeProvider timeProvider)
{
    public static readonly TimeSpan FirstPause = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan MaxPause = TimeSpan.FromMinutes(2);

    private readonly Lock _gate = new();
    private long _pausedUntilTicks;
    private int _failures;
    private RefreshOutcome? _failure;

    /// <summary>Whether a run would start during the pause (read on the hot path without a lock).</summary>
    public bool IsPaused(DateTimeOffset now) => now.UtcTicks < Volatile.Read(ref _pausedUntilTicks);

    /// <summary>The failure that started the pause, for callers to report at once; <see langword="null"/> when not paused.</summary>
    public RefreshOutcome? PausedFailure(DateTimeOffset now)
    {
        lock (_gate)
        {
            return IsPaused(now) ? _failure : null;
        }
    }

    /// <summary>Starts (or lengthens) the pause after a run that failed with <paramref name="failure"/>.</summary>
    public void Failed(RefreshOutcome failure)
    {
        lock (_gate)
        {
            _failures = Math.Min(_failures + 1, 16);
            var pause = TimeSpan.FromTicks(Math.Min(MaxPause.Ticks, FirstPause.Ticks << (_failures - 1)));
            pause += pause * (Random.Shared.NextDouble() / 5);
            _failure = failure;
            Volatile.Write(ref _pausedUntilTicks, (timeProvider.GetUtcNow() + pause).UtcTicks);
        }
    }

    /// <summary>Ends the pause: a run succeeded, or this process connected or disconnected.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _failures = 0;
            _failure = null;
            Volatile.Write(ref _pausedUntilTicks, 0);
        }
    }
}
