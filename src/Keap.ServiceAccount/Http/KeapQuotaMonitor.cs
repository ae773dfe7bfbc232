namespace Keap.ServiceAccount.Http;

/// <summary>Holds the latest quota figures and says how far apart requests must be while little is left.</summary>
internal sealed class KeapQuotaMonitor : IKeapQuotaMonitor
{
    // Pacing on the daily quota starts when fewer than this share of its requests are left.
    private const double LowShare = 0.1;

    private readonly Lock _gate = new();
    private KeapQuotaFigures _figures;
    private bool _hasFigures;
    private KeapQuotaSnapshot? _snapshot;

    /// <inheritdoc/>
    public KeapQuotaSnapshot? Current
    {
        get
        {
            lock (_gate)
            {
                // Made on demand: recording a response's figures allocates nothing.
                return _hasFigures ? _snapshot ??= _figures.ToSnapshot() : null;
            }
        }
    }

    /// <summary>Records the figures of a response; returns whether the daily quota has just become low.</summary>
    public bool Record(in KeapQuotaFigures figures)
    {
        lock (_gate)
        {
            var wasLow = _hasFigures && IsLow(_figures.Quota);
            _figures = figures;
            _hasFigures = true;
            _snapshot = null;
            return !wasLow && IsLow(figures.Quota);
        }
    }

    /// <summary>
    /// The least time between two requests while little is left: the daily quota's remaining requests spread until it
    /// resets once less than a tenth is left, or a spent throttle's window waited out. Zero otherwise.
    /// </summary>
    /// <param name="now">Now.</param>
    /// <param name="ownThrottle">
    /// Whether the rate limiter knows the app throttle's window holds only its own requests: a spent throttle then frees
    /// when its own record says, and is not waited out here.
    /// </param>
    /// <remarks>
    /// A throttle only counts when spent: its headers carry no reset time, so spreading it early would slow every bulk
    /// job near the end of each window, which the rate limiter already keeps under the throttle's limit.
    /// </remarks>
    public TimeSpan PacingInterval(DateTimeOffset now, bool ownThrottle = false)
    {
        KeapQuotaFigures s;
        lock (_gate)
        {
            if (!_hasFigures)
            {
                return TimeSpan.Zero;
            }

            s = _figures;
        }

        var quota = IsLow(s.Quota) ? Spread(s.Quota.Available!.Value, s.Quota.ExpiresAt, now) : TimeSpan.Zero;
        var throttle = s.Throttle.IsSpent && !ownThrottle ? Spread(0, s.ObservedAt + s.Throttle.Length, now) : TimeSpan.Zero;
        var tenant = s.TenantThrottle.IsSpent ? Spread(0, s.ObservedAt + s.TenantThrottle.Length, now) : TimeSpan.Zero;
        return Max(quota, Max(throttle, tenant));
    }

    /// <summary>The latest figures, for the limiter and the metrics.</summary>
    public bool TryGetFigures(out KeapQuotaFigures figures)
    {
        lock (_gate)
        {
            figures = _figures;
            return _hasFigures;
        }
    }

    private static bool IsLow(in KeapQuotaWindow window) =>
        window is { Limit: > 0 and var limit, Available: { } left } && left < limit * LowShare;

    private static TimeSpan Spread(long available, DateTimeOffset? windowEnd, DateTimeOffset now) =>
        windowEnd is { } end && end > now ? (end - now) / (Math.Max(available, 0) + 1) : TimeSpan.Zero;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
