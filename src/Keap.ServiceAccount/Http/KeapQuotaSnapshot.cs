namespace Keap.ServiceAccount;

/// <summary>
/// Keap's quota and throttle figures from the latest API response (<c>x-keap-product-quota-*</c> and
/// <c>x-keap-product-throttle-*</c>). A value is <see langword="null"/> when Keap did not send it.
/// </summary>
public sealed record KeapQuotaSnapshot
{
    /// <summary>Requests allowed in the quota window.</summary>
    public long? QuotaLimit { get; init; }

    /// <summary>Requests left in the quota window.</summary>
    public long? QuotaAvailable { get; init; }

    /// <summary>Requests used in the quota window.</summary>
    public long? QuotaUsed { get; init; }

    /// <summary>The quota window's length (its interval times its time unit).</summary>
    public TimeSpan? QuotaWindow { get; init; }

    /// <summary>When the quota window resets.</summary>
    public DateTimeOffset? QuotaExpiresAt { get; init; }

    /// <summary>Requests allowed in the throttle window.</summary>
    public long? ThrottleLimit { get; init; }

    /// <summary>Requests left in the throttle window.</summary>
    public long? ThrottleAvailable { get; init; }

    /// <summary>Requests used in the throttle window.</summary>
    public long? ThrottleUsed { get; init; }

    /// <summary>The throttle window's length (its interval times its time unit).</summary>
    public TimeSpan? ThrottleWindow { get; init; }

    /// <summary>When these figures were read.</summary>
    public DateTimeOffset ObservedAt { get; init; }
}

/// <summary>The latest quota figures Keap sent; inject it to see how close the application is to its limits.</summary>
public interface IKeapQuotaMonitor
{
    /// <summary>The latest figures, or <see langword="null"/> before any response carried quota headers.</summary>
    KeapQuotaSnapshot? Current { get; }
}
