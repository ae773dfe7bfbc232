using Keap.ServiceAccount.Http;

namespace Keap.ServiceAccount.Tests.Http;

public sealed class KeapRateScheduleTests
{
    private static readonly long Start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks;
    private static readonly long Tenth = TimeSpan.TicksPerSecond / 10;

    [Fact]
    public void A_burst_spends_the_budget_at_the_per_second_interval_then_waits_for_the_oldest_start_to_leave_the_window()
    {
        var schedule = new KeapRateSchedule();
        var allowance = new KeapRateAllowance(Tenth, TimeSpan.TicksPerSecond, WindowBudget: 5, Burst: true);

        var starts = TakeAtEarliest(schedule, allowance, Start, 6);

        // Five at the per-second interval (less its 30 ms tolerance), the sixth when the first has left the window.
        Assert.Equal(Tenth - (30 * TimeSpan.TicksPerMillisecond), starts[1] - starts[0]);
        Assert.Equal(starts[0] + KeapRateSchedule.Window.Ticks, starts[5]);
    }

    [Fact]
    public void A_per_minute_limit_configured_off_keeps_no_record_of_the_starts()
    {
        // With the limit off (int.MaxValue a minute) the window can never bind: a record of every start of the last
        // minute would grow with the rate and be walked on every answer that carries Keap's headers.
        var schedule = new KeapRateSchedule();
        var allowance = new KeapRateAllowance(0, 0, WindowBudget: int.MaxValue, Burst: true);

        TakeAtEarliest(schedule, allowance, Start, 1_000);

        Assert.Equal(0, schedule.StartedSince(Start - 1));
    }

    [Fact]
    public void Without_a_burst_starts_keep_the_steady_interval()
    {
        var schedule = new KeapRateSchedule();
        var allowance = new KeapRateAllowance(Tenth, TimeSpan.TicksPerSecond, WindowBudget: 5, Burst: false);

        var starts = TakeAtEarliest(schedule, allowance, Start, 3);

        Assert.All(starts.Zip(starts.Skip(1)), pair => Assert.InRange(pair.Second - pair.First, TimeSpan.TicksPerSecond * 97 / 100, TimeSpan.TicksPerSecond));
    }

    [Fact]
    public void After_the_budget_narrowed_the_newest_starts_decide_when_the_next_may_begin()
    {
        var schedule = new KeapRateSchedule();
        var starts = TakeAtEarliest(schedule, new KeapRateAllowance(Tenth, 0, WindowBudget: 4, Burst: true), Start, 4);

        var (_, earliest) = schedule.Earliest(starts[^1], new KeapRateAllowance(Tenth, 0, WindowBudget: 2, Burst: true), pacing: 0);

        Assert.Equal(starts[2] + KeapRateSchedule.Window.Ticks, earliest);
    }

    [Fact]
    public void A_hold_delays_every_start_and_pacing_is_told_apart_from_the_schedule()
    {
        var schedule = new KeapRateSchedule();
        var allowance = new KeapRateAllowance(Tenth, 0, int.MaxValue, Burst: true);
        schedule.Take(Start, allowance);
        schedule.Hold(Start + TimeSpan.TicksPerSecond);

        var held = schedule.Earliest(Start, allowance, pacing: 0);
        var paced = schedule.Earliest(Start, allowance, pacing: 5 * TimeSpan.TicksPerSecond);

        Assert.Equal((Start + TimeSpan.TicksPerSecond, Start + TimeSpan.TicksPerSecond), held);
        Assert.Equal((Start + TimeSpan.TicksPerSecond, Start + (5 * TimeSpan.TicksPerSecond)), paced);
    }

    [Fact]
    public void Starts_are_counted_after_a_moment_and_forgotten_once_out_of_the_window()
    {
        var schedule = new KeapRateSchedule();
        var allowance = new KeapRateAllowance(0, 0, WindowBudget: 100, Burst: true);
        schedule.Take(Start, allowance);
        schedule.Take(Start + TimeSpan.TicksPerSecond, allowance);

        Assert.Equal(2, schedule.StartedSince(Start - 1));
        Assert.Equal(1, schedule.StartedSince(Start));
        schedule.Earliest(Start + KeapRateSchedule.Window.Ticks, allowance, pacing: 0);
        Assert.Equal(1, schedule.StartedSince(0));
    }

    /// <summary>Takes <paramref name="count"/> starts, each at the first moment the schedule allows it.</summary>
    private static List<long> TakeAtEarliest(KeapRateSchedule schedule, KeapRateAllowance allowance, long from, int count)
    {
        var starts = new List<long>();
        var at = from;
        while (starts.Count < count)
        {
            at = Math.Max(at, schedule.Earliest(at, allowance, pacing: 0).Earliest);
            schedule.Take(at, allowance);
            starts.Add(at);
        }

        return starts;
    }
}
