using Keap.ServiceAccount.Configuration;

namespace Keap.ServiceAccount;

/// <summary>
/// How failed API calls are retried (configuration section <c>Keap:Api:Retry</c>): 408, 5xx, transport errors and
/// attempt timeouts, for requests that are safe to repeat. A 429 is repeated until the total timeout and uses up no retry.
/// </summary>
public sealed class KeapApiRetryOptions
{
    /// <summary>How many times a failed, retryable API call is retried; 0 turns retries off. Default 4; from 0 to 10.</summary>
    [Between(0, 10)]
    public int MaxAttempts { get; set; } = 4;

    /// <summary>
    /// The first retry's delay before jitter, unless Keap asked for a pause; later retries double it (1 s, 2 s, 4 s, …).
    /// Default 1 second; at most 1 day. The retries' delays together must fit in <see cref="KeapApiTimeoutOptions.Total"/>.
    /// </summary>
    [Positive(AtMost = "1.00:00:00")]
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);
}
