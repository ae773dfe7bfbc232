using ButtonPush.Outbox;

namespace ButtonPush.Tests.Outbox;

public sealed class OutboxBackoffTests
{
    private static readonly OutboxOptions Settings = new() { BaseDelay = TimeSpan.FromSeconds(2), MaxDelay = TimeSpan.FromMinutes(5) };

    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 4)]
    [InlineData(5, 32)]
    public void Backoff_doubles_per_attempt_with_jitter_between_half_and_all_of_it(int attempts, int fullSeconds)
    {
        for (var i = 0; i < 200; i++)
        {
            var delay = OutboxWorker.Backoff(attempts, Settings);
            Assert.InRange(delay, TimeSpan.FromSeconds(fullSeconds / 2.0), TimeSpan.FromSeconds(fullSeconds));
        }
    }

    [Fact]
    public void Backoff_never_exceeds_the_maximum_delay()
    {
        Assert.InRange(OutboxWorker.Backoff(1000, Settings), TimeSpan.FromMinutes(2.5), Settings.MaxDelay);
    }
}
