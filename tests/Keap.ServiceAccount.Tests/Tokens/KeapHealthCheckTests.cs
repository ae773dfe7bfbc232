using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Keap.ServiceAccount.Tests.Tokens;

public sealed class KeapHealthCheckTests : IDisposable
{
    private readonly FakeTokenEndpoint _endpoint = new();

    public void Dispose() => _endpoint.Dispose();

    [Fact]
    public async Task Is_unhealthy_when_not_connected()
    {
        using var host = TokenTestHost.Create(_endpoint);

        var report = await host.CheckHealthAsync();

        Assert.Equal(HealthStatus.Unhealthy, report.Entries["keap"].Status);
    }

    [Fact]
    public async Task Is_healthy_when_connected()
    {
        using var host = TokenTestHost.Create(_endpoint);
        await host.SeedAsync(TimeSpan.FromHours(24));

        Assert.Equal(HealthStatus.Healthy, (await host.CheckHealthAsync()).Entries["keap"].Status);
    }

    [Fact]
    public async Task Is_degraded_when_the_refresh_token_ends_within_a_week()
    {
        using var host = TokenTestHost.Create(_endpoint);
        await host.SeedAsync(TimeSpan.FromHours(24), refreshTokenAge: TimeSpan.FromDays(39));

        Assert.Equal(HealthStatus.Degraded, (await host.CheckHealthAsync()).Entries["keap"].Status);
    }

    [Fact]
    public async Task Is_degraded_when_refreshing_fails_but_the_token_is_still_valid()
    {
        using var host = TokenTestHost.Create(_endpoint);
        await host.SeedAsync(TimeSpan.FromHours(2));
        _endpoint.EnqueueStatus(400, """{"error":"invalid_client"}""");

        await host.Manager.RefreshAsync(forceVersion: null);
        var entry = (await host.CheckHealthAsync()).Entries["keap"];

        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.Contains("invalid_client", entry.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Is_unhealthy_when_re_authorization_is_needed()
    {
        using var host = TokenTestHost.Create(_endpoint);
        await host.SeedAsync(TimeSpan.FromHours(2));
        _endpoint.CurrentRefreshToken = "revoked";

        await host.Manager.RefreshAsync(forceVersion: null);
        var entry = (await host.CheckHealthAsync()).Entries["keap"];

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains("re-authorization", entry.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", entry.Description, StringComparison.Ordinal);
    }
}
