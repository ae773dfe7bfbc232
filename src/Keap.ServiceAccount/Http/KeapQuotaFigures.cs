namespace Keap.ServiceAccount.Http;

/// <summary>One of Keap's counted windows as its headers describe it; a value is null when Keap did not send it.</summary>
internal struct KeapQuotaWindow
{
    public long? Limit;
    public long? Available;
    public long? Used;
    public long? Interval;
    public TimeSpan? Unit;
    public DateTimeOffset? ExpiresAt;

    /// <summary>The window's length: its interval (1 when absent) times its time unit.</summary>
    public readonly TimeSpan? Length => Unit * (Interval ?? 1);

    /// <summary>Whether the headers say nothing is left in this window.</summary>
    public readonly bool IsSpent => Available <= 0;
}

/// <summary>
/// Everything Keap's quota headers said in one response, as a value: parsing fills it without allocating, and the
/// public <see cref="KeapQuotaSnapshot"/> is made from it only when someone asks.
/// </summary>
internal struct KeapQuotaFigures
{
    /// <summary>The app's daily quota (<c>x-keap-product-quota-*</c>).</summary>
    public KeapQuotaWindow Quota;

    /// <summary>The app's per-minute throttle (<c>x-keap-product-throttle-*</c>).</summary>
    public KeapQuotaWindow Throttle;

    /// <summary>The account's throttle across all its apps (<c>x-keap-tenant-throttle-*</c>).</summary>
    public KeapQuotaWindow TenantThrottle;

    /// <summary>The spike arrest's rate (<c>x-keap-product-spike-limit</c>), in requests per second.</summary>
    public double? SpikeLimitPerSecond;

    public DateTimeOffset ObservedAt;

    public readonly KeapQuotaSnapshot ToSnapshot() => new()
    {
        QuotaLimit = Quota.Limit,
        QuotaAvailable = Quota.Available,
        QuotaUsed = Quota.Used,
        QuotaWindow = Quota.Length,
        QuotaExpiresAt = Quota.ExpiresAt,
        ThrottleLimit = Throttle.Limit,
        ThrottleAvailable = Throttle.Available,
        ThrottleUsed = Throttle.Used,
        ThrottleWindow = Throttle.Length,
        TenantThrottleLimit = TenantThrottle.Limit,
        TenantThrottleAvailable = TenantThrottle.Available,
        TenantThrottleUsed = TenantThrottle.Used,
        TenantThrottleWindow = TenantThrottle.Length,
        SpikeLimitPerSecond = SpikeLimitPerSecond,
        ObservedAt = ObservedAt,
    };
}
