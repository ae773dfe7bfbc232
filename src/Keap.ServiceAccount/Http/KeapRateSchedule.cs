namespace Keap.ServiceAccount.Http;

/// <summary>What the schedule may grant at a given moment, from <see cref="KeapAdaptiveRate"/>: intervals in ticks.</summary>
/// <param name="SpikeInterval">The least time between two starts, from the per-second limit; 0 when unlimited.</param>
/// <param name="SteadyInterval">The least time between two starts at the per-minute limit spread evenly; 0 when unlimited.</param>
/// <param name="WindowBudget">The most starts any <see cref="KeapRateSchedule.Window"/> may hold.</param>
/// <param name="Burst">
/// Whether the window's budget may be spent at the per-second limit; otherwise starts keep the steady interval.
/// </param>
internal readonly record struct KeapRateAllowance(long SpikeInterval, long SteadyInterval, int WindowBudget, bool Burst)
{
    /// <summary>No limit of the package's own (Keap's pauses still hold).</summary>
    public static readonly KeapRateAllowance Unlimited = new(0, 0, int.MaxValue, true);
}

/// <summary>
/// When the next attempt may start. Not thread-safe: <see cref="KeapRateLimiter"/> calls it under its lock.
/// </summary>
/// <remarks>
/// Each rule gives a moment; the latest wins. A cell-rate schedule at the per-second limit: an attempt may start once the previous
/// one's slot plus the interval, less a tolerance, has come. The tolerance absorbs timer lateness; it is half an
/// interval, but never more than (1 − <see cref="KeapRateLimiter.Utilization"/>) of a second nor less than a
/// millisecond, so that a one-second window holds at most 1 + rate × (1 s + tolerance) attempts, which stays below
/// Keap's limit plus one (half an interval alone let 11 attempts into one second at 10 a second). A record of the
/// starts of the last <see cref="Window"/>: no window of that length ever holds more than the per-minute budget, so
/// a job may burst at the per-second limit and then wait for its oldest start to leave the window, as Keap counts.
/// While bursting is not allowed (Keap has not said the window is this process's), the same cell-rate schedule at
/// the steady per-minute rate. And any hold Keap asked for.
/// </remarks>
internal sealed class KeapRateSchedule
{
    /// <summary>
    /// The window the per-minute budget is counted over: Keap's minute and one second more, so that a request that
    /// reaches Keap up to a second later than the one a window before it still falls outside Keap's minute.
    /// </summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(61);

    /// <summary>The most a start may come before its slot: (1 − <see cref="KeapRateLimiter.Utilization"/>) of a second.</summary>
    public static readonly TimeSpan MaximumTolerance = KeapRateLimiter.SpikeWindow * (1 - KeapRateLimiter.Utilization);

    private static readonly long MinimumTolerance = TimeSpan.TicksPerMillisecond;

    // Keap's largest per-minute limit is an account's 10,000: a budget far above it (a limit configured off) never binds,
    // so its starts are not recorded; otherwise the record would grow with the rate and be walked on every answer.
    private const int MaxRecordedBudget = 100_000;

    // The starts of the last Window, oldest first.
    private readonly Queue<long> _starts = new();
    private long _nextSpike;
    private long _nextSteady;
    private long _lastStart;
    private long _heldUntil;

    /// <summary>Holds every attempt until <paramref name="until"/> (UTC ticks), or longer if already held.</summary>
    public void Hold(long until) => _heldUntil = Math.Max(_heldUntil, until);

    /// <summary>How many attempts started after <paramref name="since"/> (UTC ticks), within the last <see cref="Window"/>.</summary>
    public int StartedSince(long since)
    {
        var count = 0;
        foreach (var start in _starts)
        {
            count += start > since ? 1 : 0;
        }

        return count;
    }

    /// <summary>
    /// The earliest moment (UTC ticks) the next attempt may start by the schedule and Keap's holds, not counting
    /// <paramref name="pacing"/>; with it, the earliest moment at all.
    /// </summary>
    /// <param name="at">Now, in UTC ticks.</param>
    /// <param name="allowance">What may be granted.</param>
    /// <param name="pacing">The least time (ticks) after the last start that the quota monitor asks for; 0 for none.</param>
    public (long BySchedule, long Earliest) Earliest(long at, in KeapRateAllowance allowance, long pacing)
    {
        Forget(at);
        var bySpike = _nextSpike - Tolerance(allowance.SpikeInterval);
        var bySteady = allowance.Burst ? 0 : _nextSteady - Tolerance(allowance.SteadyInterval);
        var byWindow = _starts.Count < allowance.WindowBudget ? 0 : OldestInBudget(allowance.WindowBudget) + Window.Ticks;
        var bySchedule = Math.Max(Math.Max(bySpike, bySteady), Math.Max(byWindow, _heldUntil));
        var byPacing = pacing > 0 ? _lastStart + pacing : 0;
        return (bySchedule, Math.Max(bySchedule, byPacing));
    }

    /// <summary>Records a start at <paramref name="at"/> (UTC ticks), which <see cref="Earliest"/> allowed.</summary>
    public void Take(long at, in KeapRateAllowance allowance)
    {
        _nextSpike = Math.Max(_nextSpike, at) + allowance.SpikeInterval;

        // While bursting, the steady schedule does not run ahead: if bursting stops, the steady pace starts from here.
        _nextSteady = (allowance.Burst ? at : Math.Max(_nextSteady, at)) + allowance.SteadyInterval;
        _lastStart = at;
        if (allowance.WindowBudget <= MaxRecordedBudget)
        {
            _starts.Enqueue(at);
        }
    }

    private static long Tolerance(long interval) => interval == 0 ? 0 : Math.Clamp(interval / 2, MinimumTolerance, MaximumTolerance.Ticks);

    private void Forget(long at)
    {
        while (_starts.Count > 0 && _starts.Peek() <= at - Window.Ticks)
        {
            _starts.Dequeue();
        }
    }

    /// <summary>The start that must leave the window before another may begin: the budget-th newest.</summary>
    private long OldestInBudget(int budget) =>
        // More starts than the budget only after the budget narrowed: then the newer ones decide.
        _starts.Count == budget ? _starts.Peek() : _starts.ElementAt(_starts.Count - budget);
}
