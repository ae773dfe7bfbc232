using Keap.ServiceAccount.Configuration;

namespace Keap.ServiceAccount;

/// <summary>How long an API call may take (configuration section <c>Keap:Api:Timeouts</c>).</summary>
public sealed class KeapApiTimeoutOptions
{
    /// <summary>
    /// The timeout of one attempt (one request sent to Keap and its answer). Default 30 seconds; from 10 milliseconds to
    /// 1 day, at most <see cref="Total"/> and at most half of <see cref="KeapApiCircuitBreakerOptions.SamplingDuration"/>.
    /// </summary>
    // The bounds of the resilience pipeline's timeout strategy: outside them every call would fail, not the start-up.
    [Positive(AtLeast = "00:00:00.010", AtMost = "1.00:00:00")]
    public TimeSpan Attempt { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The timeout of one call including its retries, the back-off between them and any wait for a turn under the rate
    /// limit. Default 2 minutes; from 10 milliseconds to 1 day.
    /// </summary>
    [Positive(AtLeast = "00:00:00.010", AtMost = "1.00:00:00")]
    public TimeSpan Total { get; set; } = TimeSpan.FromMinutes(2);
}
