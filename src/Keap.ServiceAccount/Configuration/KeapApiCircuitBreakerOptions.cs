using Keap.ServiceAccount.Configuration;

namespace Keap.ServiceAccount;

/// <summary>
/// When API calls stop being sent because Keap keeps failing (configuration section <c>Keap:Api:CircuitBreaker</c>).
/// Only 5xx answers, transport errors and attempt timeouts count as failures; a 429 never does. While the circuit is
/// open, calls fail at once with a <see cref="KeapApiException"/> whose <see cref="KeapApiException.NotSent"/> is set.
/// </summary>
public sealed class KeapApiCircuitBreakerOptions
{
    /// <summary>
    /// The share of failed attempts within <see cref="SamplingDuration"/> that opens the circuit, greater than 0 and at
    /// most 1. Default 0.1 (one attempt in ten).
    /// </summary>
    [Ratio]
    public double FailureRatio { get; set; } = 0.1;

    /// <summary>How many attempts <see cref="SamplingDuration"/> must hold before the circuit may open. Default 100; at least 2.</summary>
    [Between(2, int.MaxValue)]
    public int MinimumThroughput { get; set; } = 100;

    /// <summary>
    /// The window over which failures are counted. Default 60 seconds; from 0.5 seconds to 1 day, and at least twice
    /// <see cref="KeapApiTimeoutOptions.Attempt"/>, so that attempts which time out are counted in the window they started in.
    /// </summary>
    [Positive(AtLeast = "00:00:00.500", AtMost = "1.00:00:00")]
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long the circuit stays open before one attempt is let through to test Keap. Default 5 seconds; from 0.5 seconds to 1 day.</summary>
    [Positive(AtLeast = "00:00:00.500", AtMost = "1.00:00:00")]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(5);
}
