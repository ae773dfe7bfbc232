using Microsoft.Extensions.Options;

namespace Keap.ServiceAccount;

/// <summary>
/// The resilience of every API call (configuration section <c>Keap:Api</c>): its timeouts, its retries, the circuit
/// breaker, and pacing by Keap's quota headers. The pipeline runs total timeout → retry → circuit breaker → rate
/// limiter → attempt timeout.
/// </summary>
public sealed class KeapApiOptions
{
    /// <summary>How long one attempt and one whole call may take (section <c>Keap:Api:Timeouts</c>).</summary>
    [ValidateObjectMembers]
    public KeapApiTimeoutOptions Timeouts { get; } = new();

    /// <summary>Which failures are retried, how often and after what delay (section <c>Keap:Api:Retry</c>).</summary>
    [ValidateObjectMembers]
    public KeapApiRetryOptions Retry { get; } = new();

    /// <summary>When calls stop being sent because Keap keeps failing (section <c>Keap:Api:CircuitBreaker</c>).</summary>
    [ValidateObjectMembers]
    public KeapApiCircuitBreakerOptions CircuitBreaker { get; } = new();

    /// <summary>
    /// Whether API calls slow down as Keap's headers say the daily quota is nearly spent (spreading what is left until
    /// it resets) or a throttle is spent (waiting for its window), instead of running into 429s. Default on.
    /// </summary>
    public bool QuotaPacing { get; set; } = true;
}
