namespace ButtonPush.Outbox;

/// <summary>Outbox worker settings (configuration section <c>ButtonPush:Outbox</c>).</summary>
internal sealed class OutboxOptions
{
    /// <summary>Failures after which a row is parked until an admin retries it.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>The backoff after the first failure; it doubles with each further failure.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest backoff between two attempts.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a claim on the row being run lasts; it is renewed every third of it while the row runs, so this only
    /// bounds how long a row a crashed instance was running waits before another picks it up.
    /// </summary>
    public TimeSpan ClaimDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the worker looks for due rows when nothing wakes it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Rows claimed at a time.</summary>
    public int BatchSize { get; set; } = 20;
}
