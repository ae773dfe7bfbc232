using Keap.ServiceAccount.Diagnostics;

namespace Keap.ServiceAccount.Http;

/// <summary>Reads the API metrics' figures from the quota monitor and the rate limiter.</summary>
internal sealed class KeapApiGauges(KeapQuotaMonitor monitor, KeapRateLimiter limiter) : IKeapApiGauges
{
    public long? QuotaAvailable => monitor.Current?.QuotaAvailable;

    public long? ThrottleAvailable => monitor.Current?.ThrottleAvailable;

    public long? TenantThrottleAvailable => monitor.Current?.TenantThrottleAvailable;

    public double? SpikeLimitPerSecond => monitor.Current?.SpikeLimitPerSecond;

    public double CurrentRate => limiter.CurrentRate;

    public long QueuedCount => limiter.QueuedCount;
}
