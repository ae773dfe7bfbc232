namespace Keap.ServiceAccount.Tests.Http;

/// <summary>
/// Keap's limits as windows: at most so many requests in any one-second window and in any sixty-second window,
/// wherever the window starts. Gives the fastest schedule those limits allow (the bound a client can reach) and the
/// busiest window of a schedule that was run.
/// </summary>
internal static class RollingWindowBound
{
    public static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long <paramref name="requests"/> take, first to last start, for a client that sends each one as soon as no
    /// one-second window would hold more than <paramref name="perSecond"/> and no sixty-second window more than
    /// <paramref name="perMinute"/>: it bursts up to the per-second limit, then waits for the oldest to leave the window.
    /// </summary>
    public static TimeSpan Fastest(int requests, int perSecond, int perMinute)
    {
        var starts = new TimeSpan[requests];
        for (var k = 1; k < requests; k++)
        {
            var bySecond = k >= perSecond ? starts[k - perSecond] + Second : TimeSpan.Zero;
            var byMinute = k >= perMinute ? starts[k - perMinute] + Minute : TimeSpan.Zero;
            starts[k] = Max(starts[k - 1], Max(bySecond, byMinute));
        }

        return starts[^1];
    }

    /// <summary>The most starts any window of <paramref name="length"/> holds, wherever it starts (the starts in order).</summary>
    public static int Busiest(IReadOnlyList<DateTimeOffset> starts, TimeSpan length)
    {
        var busiest = 0;
        for (int first = 0, end = 0; first < starts.Count; first++)
        {
            while (end < starts.Count && starts[end] - starts[first] < length)
            {
                end++;
            }

            busiest = Math.Max(busiest, end - first);
        }

        return busiest;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
