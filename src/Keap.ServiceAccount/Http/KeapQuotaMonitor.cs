namespace Keap.ServiceAccount.Http;

/// <summary>Holds the latest quota figures and decides how long to pace the next request.</summary>
internal sealed class KeapQuotaMonitor : IKeapQuotaMonitor
{
    // Pacing starts when fewer than this share of the window's requests are left.
    private const double LowShare = 0.1;

    private KeapQuotaSnapshot? _current;

    public KeapQuotaSnapshot? Current => Volatile.Read(ref _current);

    public void Record(KeapQuotaSnapshot snapshot) => Volatile.Write(ref _current, snapshot);

    /// <summary>Whether <paramref name="snapshot"/> shows less than a tenth of the quota left.</summary>
    public static bool IsQuotaLow(KeapQuotaSnapshot? snapshot) =>
        snapshot is { QuotaLimit: > 0 and var limit, QuotaAvailable: { } left } && IsLow(limit, left);

    /// <summary>
    /// How long to wait before the next request so that the requests left are spread over what remains of the
    /// window, when few are left; zero otherwise.
    /// </summary>
    public TimeSpan PacingDelay(DateTimeOffset now)
    {
        if (Current is not { } s)
        {
            return TimeSpan.Zero;
        }

        var throttleEnd = s.ObservedAt + s.ThrottleWindow;
        var throttle = Spread(s.ThrottleLimit, s.ThrottleAvailable, throttleEnd, now);
        var quota = Spread(s.QuotaLimit, s.QuotaAvailable, s.QuotaExpiresAt, now);
        return throttle > quota ? throttle : quota;
    }

    private static TimeSpan Spread(long? limit, long? available, DateTimeOffset? windowEnd, DateTimeOffset now)
    {
        if (limit is not > 0 || available is not { } left || windowEnd is not { } end || end <= now || !IsLow(limit.Value, left))
        {
            return TimeSpan.Zero;
        }

        return (end - now) / (Math.Max(left, 0) + 1);
    }

    private static bool IsLow(long limit, long available) => available < limit * LowShare;
}
