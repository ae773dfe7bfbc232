using Keap.ServiceAccount.Http;

namespace Keap.ServiceAccount.Tests.Http;

public sealed class KeapAdaptiveRateTests
{
    private static readonly long Start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks;

    [Fact]
    public void A_key_keeps_the_steady_pace_until_keaps_throttle_shows_only_its_own_starts_then_bursts_for_a_window()
    {
        var (rate, schedule) = Key();
        schedule.Take(Start, rate.Allowance(Start));

        Assert.False(rate.Allowance(Start).Burst);
        rate.Widen(Start, Throttle(used: 1), schedule);

        var allowance = rate.Allowance(Start);
        Assert.True(allowance.Burst);
        Assert.Equal(240, allowance.WindowBudget);
        Assert.Equal((long)(TimeSpan.TicksPerSecond / (10 * KeapRateLimiter.Utilization)), allowance.SpikeInterval);
        Assert.Equal((long)(TimeSpan.TicksPerSecond / (240 / 60.0 * KeapRateLimiter.Utilization)), allowance.SteadyInterval);
        Assert.False(rate.Allowance(Start + KeapRateSchedule.Window.Ticks).Burst);
    }

    [Theory]
    [InlineData(2, 60)] // someone else's request in Keap's minute
    [InlineData(1, 3_600)] // a window longer than the record of starts
    public void A_window_that_may_hold_someone_elses_requests_keeps_the_steady_pace(long used, int windowSeconds)
    {
        var (rate, schedule) = Key();
        schedule.Take(Start, rate.Allowance(Start));

        rate.Widen(Start, Throttle(used, TimeSpan.FromSeconds(windowSeconds)), schedule);

        Assert.False(rate.Allowance(Start).Burst);
        Assert.False(rate.WindowIsOurs(Start));
    }

    [Fact]
    public void A_429_narrows_once_per_spike_window_stops_the_burst_and_answers_widen_back_a_tenth_a_second()
    {
        var (rate, schedule) = Key();
        rate.Widen(Start, Throttle(used: 0), schedule);

        Assert.True(rate.Narrow(Start));
        Assert.False(rate.Narrow(Start + 1));
        Assert.Equal(3.88 * 0.75, rate.SteadyRate, precision: 6);
        Assert.Equal(180, rate.Allowance(Start).WindowBudget);
        Assert.False(rate.Allowance(Start).Burst);

        rate.Widen(Start + TimeSpan.TicksPerSecond, Throttle(used: 0), schedule);
        Assert.Equal(3.88 * 0.85, rate.SteadyRate, precision: 6);
    }

    [Fact]
    public void An_oauth_apps_per_second_limit_alone_keeps_its_minute_under_the_throttle_and_a_disabled_limit_grants_everything()
    {
        var oauth = new KeapAdaptiveRate(new KeapServiceAccountOptions());
        var off = new KeapServiceAccountOptions { ServiceAccountKey = "KeapAK-key" };
        off.RateLimit.Enabled = false;

        Assert.Equal(int.MaxValue, oauth.Allowance(Start).WindowBudget);
        Assert.Equal(KeapRateAllowance.Unlimited, new KeapAdaptiveRate(off).Allowance(Start));
    }

    private static (KeapAdaptiveRate Rate, KeapRateSchedule Schedule) Key() =>
        (new KeapAdaptiveRate(new KeapServiceAccountOptions { ServiceAccountKey = "KeapAK-key" }), new KeapRateSchedule());

    private static KeapQuotaFigures Throttle(long used, TimeSpan? window = null) => new()
    {
        Throttle = new KeapQuotaWindow { Limit = 240, Used = used, Available = 240 - used, Unit = window ?? TimeSpan.FromMinutes(1) },
    };
}
