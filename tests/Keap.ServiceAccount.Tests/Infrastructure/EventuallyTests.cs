using Xunit.Sdk;

namespace Keap.ServiceAccount.Tests.Infrastructure;

/// <summary>The shared wait every test project uses for what background work brings about (tests/Shared/Eventually.cs).</summary>
public sealed class EventuallyTests
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task Fails_naming_what_was_awaited_for_how_long_and_the_last_value_observed()
    {
        var seen = 0;

        var failure = await Assert.ThrowsAsync<FailException>(
            () => Eventually.ValueAsync("the queue holds three rows", () => Task.FromResult(++seen), n => n < 0, pause: TimeSpan.FromMilliseconds(1), timeout: Short));

        Assert.StartsWith("Timed out after 0.1 s (", failure.Message, StringComparison.Ordinal);
        Assert.Contains("checks) waiting until the queue holds three rows.", failure.Message, StringComparison.Ordinal);
        Assert.EndsWith($"Last observed: {seen}.", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fails_a_condition_that_never_holds_without_a_value_to_show()
    {
        var failure = await Assert.ThrowsAsync<FailException>(() => Eventually.TrueAsync("the worker has run", () => false, timeout: Short));

        Assert.EndsWith("waiting until the worker has run.", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Last observed", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Returns_the_first_accepted_value_and_acts_between_checks_after_a_pause()
    {
        var moves = 0;

        var value = await Eventually.ValueAsync("the clock moved three times", () => Task.FromResult(moves), n => n == 3, () => moves++, TimeSpan.FromMilliseconds(1));

        Assert.Equal(3, value);
        Assert.Equal(3, moves);
        Assert.Equal("[\"a\", null, 2]", Eventually.Describe("x", Short, 1, describeLast: true, new object?[] { "a", null, 2 }).Split("Last observed: ")[1].TrimEnd('.'));
    }
}
