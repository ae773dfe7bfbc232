using Keap.ServiceAccount.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Keap.ServiceAccount.Tests.Http;

/// <summary>
/// Jobs of several minutes on a fake clock, against a Keap that counts every one-second and every sixty-second window
/// and reports its per-minute throttle in each answer: the limiter never exceeds either limit in any window, and the job
/// takes at most 5 % longer than the fastest schedule those limits allow.
/// </summary>
public sealed class KeapRateLimiterRollingWindowTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("KeapAK-key", 10, 240, 1_200)] // a key at Keap's limits: 600 upserts, about 4.4 minutes
    [InlineData("KeapAK-key", 5, 240, 1_200)] // the 5 per second some report for keys
    [InlineData(null, 25, 1_500, 6_000)] // an OAuth app at Keap's limits: 4 minutes
    public void A_long_job_stays_within_every_window_and_within_five_percent_of_the_fastest_schedule(string? key, int perSecond, int perMinute, int requests)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var api = ApiHarness.Start(
            o =>
            {
                o.ServiceAccountKey = key;
                o.RateLimit.RequestsPerSecond = key is null ? null : perSecond;
            },
            time);
        var limiter = api.Services.GetRequiredService<KeapRateLimiter>();

        // A caller always ready: each attempt starts at the moment the limiter allows, the tightest packing there is.
        var starts = new List<DateTimeOffset>();
        while (starts.Count < requests)
        {
            using var lease = limiter.AttemptAcquire();
            if (lease.IsAcquired)
            {
                var now = time.GetUtcNow();
                starts.Add(now);
                limiter.Answered(now, Answer(starts, now, perMinute));
            }
            else
            {
                var wait = lease.TryGetMetadata(System.Threading.RateLimiting.MetadataName.RetryAfter, out var after) ? after : TimeSpan.Zero;
                time.Advance(wait > TimeSpan.Zero ? wait : TimeSpan.FromMilliseconds(1));
            }
        }

        var took = starts[^1] - starts[0];
        var fastest = RollingWindowBound.Fastest(requests, perSecond, perMinute);
        output.WriteLine($"{requests} requests in {took.TotalSeconds:F1} s; fastest allowed {fastest.TotalSeconds:F1} s");
        Assert.InRange(RollingWindowBound.Busiest(starts, RollingWindowBound.Second), 1, perSecond);
        Assert.InRange(RollingWindowBound.Busiest(starts, RollingWindowBound.Minute), 1, perMinute);
        Assert.InRange(took, fastest, fastest * 1.05);
    }

    /// <summary>What Keap's answer says: its per-minute throttle and how much of it the last sixty seconds used.</summary>
    private static KeapQuotaFigures Answer(List<DateTimeOffset> starts, DateTimeOffset now, int perMinute)
    {
        var used = starts.Count(s => now - s < RollingWindowBound.Minute);
        return new KeapQuotaFigures
        {
            Throttle = new KeapQuotaWindow { Limit = perMinute, Used = used, Available = perMinute - used, Interval = 1, Unit = TimeSpan.FromMinutes(1) },
            ObservedAt = now,
        };
    }
}
