using System.Net;
using static Keap.ServiceAccount.Sandbox.Tests.SandboxTestHost;

namespace Keap.ServiceAccount.Sandbox.Tests.Api;

public sealed class SandboxQuotaTests
{
    [Fact]
    public async Task Every_api_response_carries_the_quota_and_throttle_headers()
    {
        await using var host = await StartAsync(o => o.QuotaPerDay = 100);
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
        await using var host = await StartAsync(o => o.QuotaPerMinute = 2);
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
        await using var host = await StartAsync(o => o.QuotaPerDay = 1);
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
    public async Task The_per_second_throttle_applies_when_configured()
    {
        await using var host = await StartAsync(o => o.ThrottlePerSecond = 1);
        using var api = host.Api();

        await api.GetAsync("rest/v2/contacts");
        var refused = await api.GetAsync("rest/v2/contacts");
        host.Clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("rest/v2/contacts")).StatusCode);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : null;
}
