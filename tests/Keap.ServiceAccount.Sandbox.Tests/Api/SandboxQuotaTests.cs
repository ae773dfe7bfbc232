using System.Net;
using static Keap.ServiceAccount.Sandbox.Tests.SandboxTestHost;

namespace Keap.ServiceAccount.Sandbox.Tests.Api;

public sealed class SandboxQuotaTests
{
    [Fact]
    public async Task Every_api_response_carries_the_quota_and_throttle_headers()
    {
        await using var host = await StartAsync(o => o.DailyQuota = 100);
        using var api = host.Api();

        var response = await api.GetAsync("rest/v2/contacts");

        Assert.Equal("100", Header(response, "x-keap-product-quota-limit"));
        Assert.Equal("day", Header(response, "x-keap-product-quota-time-unit"));
        Assert.Equal("1", Header(response, "x-keap-product-quota-interval"));
        Assert.Equal("99", Header(response, "x-keap-product-quota-available"));
        Assert.Equal("1", Header(response, "x-keap-product-quota-used"));
        Assert.Equal("2026-03-02T00:00:00Z", Header(response, "x-keap-product-quota-expiry-time"));
        Assert.Equal("minute", Header(response, "x-keap-product-throttle-time-unit"));
        foreach (var name in new[] { "limit", "interval", "available", "used" })
        {
            Assert.NotNull(Header(response, "x-keap-product-throttle-" + name));
        }
    }

    [Fact]
    public async Task The_minute_quota_runs_out_and_comes_back_with_the_next_minute()
    {
        await using var host = await StartAsync(o => o.ThrottlePerMinute = 2);
        using var api = host.Api();

        await api.GetAsync("rest/v2/contacts");
        await api.GetAsync("rest/v2/contacts");
        var refused = await api.GetAsync("rest/v2/contacts");
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        var again = await api.GetAsync("rest/v2/contacts");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var body = await JsonAsync(refused);
        Assert.Equal("429", (string?)body["code"]);
        Assert.Equal("Quota Exceeded", (string?)body["message"]);
        Assert.Equal("Request Throttled", (string?)body["status"]);
        Assert.Equal("0", Header(refused, "x-keap-product-throttle-available"));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task The_daily_quota_resets_at_utc_midnight_and_on_state_reset()
    {
        await using var host = await StartAsync(o => o.DailyQuota = 1);
        using var api = host.Api();

        await api.GetAsync("rest/v2/contacts");
        Assert.Equal(HttpStatusCode.TooManyRequests, (await api.GetAsync("rest/v2/contacts")).StatusCode);
        host.Clock.Advance(TimeSpan.FromHours(12));
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("rest/v2/contacts")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await api.GetAsync("rest/v2/contacts")).StatusCode);

        host.Server.State.Reset();
        using var fresh = host.Api();
        Assert.Equal(HttpStatusCode.OK, (await fresh.GetAsync("rest/v2/contacts")).StatusCode);
    }

    [Fact]
    public async Task The_spike_arrest_refuses_without_any_quota_header_and_counts_nothing()
    {
        await using var host = await StartAsync(o => o.SpikeArrestPerSecond = 1);
        using var api = host.Api();

        var first = await api.GetAsync("rest/v2/contacts");
        var refused = await api.GetAsync("rest/v2/contacts");
        host.Clock.Advance(TimeSpan.FromSeconds(1));
        var again = await api.GetAsync("rest/v2/contacts");

        Assert.Equal("1ps", Header(first, "x-keap-product-spike-limit"));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.DoesNotContain(refused.Headers, h => h.Key.StartsWith("x-keap-", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("2", Header(again, "x-keap-product-quota-used"));
        Assert.Equal(1, host.Server.State.SpikeArrests);
        Assert.Equal(0, host.Server.State.QuotaRefusals);
    }

    [Fact]
    public async Task The_spike_limit_can_go_unannounced()
    {
        await using var host = await StartAsync(o =>
        {
            o.SpikeArrestPerSecond = 1;
            o.AnnounceSpikeLimit = false;
        });
        using var api = host.Api();

        var response = await api.GetAsync("rest/v2/contacts");

        Assert.Null(Header(response, "x-keap-product-spike-limit"));
    }

    [Theory]
    [InlineData(true, "policies.ratelimit.SpikeArrestViolation")]
    [InlineData(false, "policies.ratelimit.QuotaViolation")]
    public async Task The_gateway_fault_body_names_the_policy_that_refused(bool spike, string errorCode)
    {
        await using var host = await StartAsync(o =>
        {
            o.RefusalBody = KeapSandboxRefusalBody.GatewayFault;
            o.SpikeArrestPerSecond = spike ? 1 : null;
            o.ThrottlePerMinute = spike ? 100 : 1;
        });
        using var api = host.Api();

        await api.GetAsync("rest/v2/contacts");
        var refused = await api.GetAsync("rest/v2/contacts");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var fault = (await JsonAsync(refused))["fault"]!;
        Assert.Equal(errorCode, (string?)fault["detail"]!["errorcode"]);
        Assert.False(string.IsNullOrEmpty((string?)fault["faultstring"]));
        Assert.Equal(spike ? 1 : 0, host.Server.State.SpikeArrests);
        Assert.Equal(spike ? 0 : 1, host.Server.State.QuotaRefusals);
    }

    [Fact]
    public async Task The_quota_expiry_can_be_sent_as_epoch_milliseconds()
    {
        await using var host = await StartAsync(o => o.QuotaExpiryFormat = KeapSandboxExpiryFormat.EpochMilliseconds);
        using var api = host.Api();

        var response = await api.GetAsync("rest/v2/contacts");

        var expected = new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        Assert.Equal(expected.ToString(System.Globalization.CultureInfo.InvariantCulture), Header(response, "x-keap-product-quota-expiry-time"));
    }

    [Fact]
    public async Task The_tenant_throttle_is_reported_and_enforced()
    {
        await using var host = await StartAsync(o => o.TenantThrottlePerMinute = 1);
        using var api = host.Api();

        var first = await api.GetAsync("rest/v2/contacts");
        var refused = await api.GetAsync("rest/v2/contacts");

        Assert.Equal("1", Header(first, "x-keap-tenant-throttle-limit"));
        Assert.Equal("minute", Header(first, "x-keap-tenant-throttle-time-unit"));
        Assert.Equal("0", Header(first, "x-keap-tenant-throttle-available"));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("0", Header(refused, "x-keap-tenant-throttle-available"));
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : null;
}
