namespace Keap.ServiceAccount;

/// <summary>
/// Keap's quota and throttle figures from the latest API response that carried them (<c>x-keap-product-quota-*</c>,
/// <c>x-keap-product-throttle-*</c>, <c>x-keap-tenant-throttle-*</c>, <c>x-keap-product-spike-limit</c>). A value is
/// <see langword="null"/> when Keap did not send it. Times are UTC.
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

    /// <summary>Requests the Keap account (all its apps together) may send in the tenant throttle window.</summary>
    public long? TenantThrottleLimit { get; init; }

    /// <summary>Requests left in the account's tenant throttle window.</summary>
    public long? TenantThrottleAvailable { get; init; }

    /// <summary>Requests used in the account's tenant throttle window.</summary>
    public long? TenantThrottleUsed { get; init; }

    /// <summary>The tenant throttle window's length (its interval times its time unit).</summary>
    public TimeSpan? TenantThrottleWindow { get; init; }

    /// <summary>
    /// The spike arrest's rate in requests per second, from <c>x-keap-product-spike-limit</c> (<c>10ps</c> is 10). Keap
    /// counts nothing down before the spike arrest refuses; this is only the limit.
    /// </summary>
    public double? SpikeLimitPerSecond { get; init; }

    /// <summary>When these figures were read.</summary>
    public DateTimeOffset ObservedAt { get; init; }
}

/// <summary>The latest quota figures Keap sent; inject it to see how close the application is to its limits.</summary>
public interface IKeapQuotaMonitor
{
    /// <summary>The latest figures, or <see langword="null"/> before any response carried quota headers.</summary>
    KeapQuotaSnapshot? Current { get; }
}
