using System.Net;
using Keap.ServiceAccount.Http;

namespace Keap.ServiceAccount.Tests.Http;

public sealed class KeapQuotaHeadersTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("2026-03-02T00:00:00Z")]
    [InlineData("2026-03-02T00:00:00.000Z")]
    [InlineData("1772409600000")]
    [InlineData("1772409600")]
    public void The_quota_expiry_is_read_as_iso_8601_and_as_epoch_milliseconds_or_seconds(string value)
    {
        using var response = Response(("x-keap-product-quota-expiry-time", value));

        Assert.True(KeapQuotaHeaders.TryRead(response.Headers, Now, out var figures));

        Assert.Equal(new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero), figures.Quota.ExpiresAt);
    }

    [Fact]
    public void The_spike_limit_and_the_tenant_throttle_are_read_into_the_snapshot()
    {
        using var response = Response(
            ("x-keap-product-spike-limit", "10ps"),
            ("X-Keap-Tenant-Throttle-Limit", "10000"),
            ("x-keap-tenant-throttle-time-unit", "Minute"),
            ("x-keap-tenant-throttle-interval", "1"),
            ("x-keap-tenant-throttle-available", "9990"),
            ("x-keap-tenant-throttle-used", "10"));

        Assert.True(KeapQuotaHeaders.TryRead(response.Headers, Now, out var figures));
        var snapshot = figures.ToSnapshot();

        Assert.Equal(10, snapshot.SpikeLimitPerSecond);
        Assert.Equal(10000, snapshot.TenantThrottleLimit);
        Assert.Equal(9990, snapshot.TenantThrottleAvailable);
        Assert.Equal(10, snapshot.TenantThrottleUsed);
        Assert.Equal(TimeSpan.FromMinutes(1), snapshot.TenantThrottleWindow);
        Assert.Equal(Now, snapshot.ObservedAt);
    }

    [Theory]
    [InlineData("25ps", 25)]
    [InlineData("600pm", 10)]
    [InlineData("5", 5)]
    public void A_spike_limit_is_read_per_second_or_per_minute(string value, double perSecond) =>
        Assert.Equal(perSecond, KeapQuotaHeaders.PerSecond(value));

    [Fact]
    public void A_response_without_quota_headers_has_no_figures()
    {
        using var response = Response(("x-request-id", "abc"), ("x-keap-product-quota-nonsense", "1"));

        Assert.False(KeapQuotaHeaders.TryRead(response.Headers, Now, out _));
    }

    [Fact]
    public void Reading_every_quota_header_allocates_nothing()
    {
        using var response = Response(
            ("x-keap-product-quota-limit", "150000"),
            ("x-keap-product-quota-time-unit", "Day"),
            ("x-keap-product-quota-interval", "1"),
            ("x-keap-product-quota-available", "149000"),
            ("x-keap-product-quota-used", "1000"),
            ("x-keap-product-quota-expiry-time", "2026-03-02T00:00:00Z"),
            ("x-keap-product-throttle-limit", "1500"),
            ("x-keap-product-throttle-time-unit", "Minute"),
            ("x-keap-product-throttle-interval", "1"),
            ("x-keap-product-throttle-available", "1400"),
            ("x-keap-product-throttle-used", "100"),
            ("x-keap-product-spike-limit", "25ps"),
            ("x-keap-tenant-throttle-available", "9000"));
        KeapQuotaHeaders.TryRead(response.Headers, Now, out _);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var found = KeapQuotaHeaders.TryRead(response.Headers, Now, out var figures);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(found);
        Assert.Equal(1400, figures.Throttle.Available);
        Assert.Equal(0, allocated);
    }

    private static HttpResponseMessage Response(params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK);
        foreach (var (name, value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }
}
