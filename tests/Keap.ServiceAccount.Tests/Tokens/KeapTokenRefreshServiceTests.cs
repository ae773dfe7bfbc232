using System.Diagnostics.Metrics;
using Keap.ServiceAccount.Tokens;
using Keap.ServiceAccount.Tokens.Stores;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Keap.ServiceAccount.Tests.Tokens;

public sealed class KeapTokenRefreshServiceTests : IDisposable
{
    private readonly FakeTokenEndpoint _endpoint = new();

    public void Dispose() => _endpoint.Dispose();

    [Fact]
    public async Task Refreshes_in_the_background_inside_the_soft_window_and_stops_cleanly()
    {
        using var host = TokenTestHost.Create(_endpoint);
        await host.SeedAsync(TimeSpan.FromHours(24));
        var service = host.Provider.GetServices<IHostedService>().OfType<KeapTokenRefreshService>().Single();
        await service.StartAsync(CancellationToken.None);

        await AdvanceUntilAsync(host, () => _endpoint.RefreshCalls == 1, TimeSpan.FromMinutes(1));
        var status = await host.Authorization.GetStatusAsync();

        Assert.InRange(host.Clock.GetUtcNow(), TokenTestHost.Start.AddHours(21), TokenTestHost.Start.AddHours(22.6));
        Assert.Equal(KeapConnectionState.Connected, status.State);
        Assert.Equal("SECRET-at-2", await host.Tokens.GetAccessTokenAsync(CancellationToken.None));
        await service.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Keeps_an_idle_refresh_token_from_reaching_its_45_day_end()
    {
        using var host = TokenTestHost.Create(_endpoint);
        await host.SeedAsync(TimeSpan.FromDays(90));
        var service = host.Provider.GetServices<IHostedService>().OfType<KeapTokenRefreshService>().Single();
        await service.StartAsync(CancellationToken.None);

        await AdvanceUntilAsync(host, () => _endpoint.RefreshCalls == 1, TimeSpan.FromHours(1));

        Assert.InRange(host.Clock.GetUtcNow(), TokenTestHost.Start.AddDays(30), TokenTestHost.Start.AddDays(31));
        Assert.InRange((await host.Authorization.GetStatusAsync()).RefreshTokenDaysLeft!.Value, 44, 45);
        await service.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Stays_idle_without_a_token_and_starts_once_connected()
    {
        using var host = TokenTestHost.Create(_endpoint);
        var service = host.Provider.GetServices<IHostedService>().OfType<KeapTokenRefreshService>().Single();
        await service.StartAsync(CancellationToken.None);
        host.Clock.Advance(TimeSpan.FromDays(2));
        Assert.Equal(0, _endpoint.RefreshCalls);

        await host.SeedAsync(TimeSpan.FromHours(24));
        await AdvanceUntilAsync(host, () => _endpoint.RefreshCalls == 1, TimeSpan.FromMinutes(5));

        Assert.Equal(1, _endpoint.RefreshCalls);
        await service.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Polls_while_not_connected_without_reporting_a_refresh_failure()
    {
        var clock = new FakeTimeProvider(TokenTestHost.Start);
        var store = new ScriptedTokenStore(new InMemoryTokenStore(clock));
        using var host = TokenTestHost.Create(_endpoint, clock, store);
        using var failures = new MetricCollector<long>(
            host.Provider.GetRequiredService<IMeterFactory>(), KeapServiceAccountDiagnostics.MeterName, "keap.token.refresh_failures");
        var service = host.Provider.GetServices<IHostedService>().OfType<KeapTokenRefreshService>().Single();
        await service.StartAsync(CancellationToken.None);

        // Several background checks, each finding no token.
        await host.AdvanceUntilAsync(() => store.Calls.Count(c => c == "get") >= 5, TimeSpan.FromSeconds(30));
        var status = await host.Authorization.GetStatusAsync();
        var health = await host.CheckHealthAsync();
        await service.StopAsync(CancellationToken.None);

        Assert.True(store.Calls.Count(c => c == "get") >= 5);
        // The health check framework's own Unhealthy warning is expected; this library's checks must not warn.
        var records = host.Logs.GetSnapshot();
        Assert.Empty(records.Where(r => r.Level >= LogLevel.Warning && r.Category?.StartsWith("Keap.", StringComparison.Ordinal) == true).Select(r => $"{r.Id.Name}: {r.Message}"));
        Assert.True(records.Count(r => r.Message.Contains("No Keap token is stored", StringComparison.Ordinal)) <= 1, host.AllLogText());
        Assert.Equal(KeapConnectionState.NotConnected, status.State);
        Assert.Null(status.LastError);
        Assert.Empty(failures.GetMeasurementSnapshot());
        Assert.Equal(HealthStatus.Unhealthy, health.Status);
    }

    [Fact]
    public async Task Backs_off_after_a_failure_and_recovers()
    {
        using var host = TokenTestHost.Create(_endpoint);
        await host.SeedAsync(TimeSpan.FromHours(2));
        for (var i = 0; i < 4; i++)
        {
            _endpoint.EnqueueStatus(503, "{}");
        }

        var service = host.Provider.GetServices<IHostedService>().OfType<KeapTokenRefreshService>().Single();
        await service.StartAsync(CancellationToken.None);
        await AdvanceUntilAsync(host, () => _endpoint.RefreshCalls == 5, TimeSpan.FromSeconds(1));

        Assert.Equal("SECRET-at-2", await host.Tokens.GetAccessTokenAsync(CancellationToken.None));
        Assert.Contains(host.Logs.GetSnapshot(), r => r.Id.Name == "BackgroundRefreshBackoff");
        await service.StopAsync(CancellationToken.None);
    }

    private static async Task AdvanceUntilAsync(TokenTestHost host, Func<bool> done, TimeSpan step)
    {
        await host.AdvanceUntilAsync(done, step);

        // Let the refresh that made done() true finish storing.
        await host.Manager.RefreshAsync(forceVersion: null);
        Assert.True(done());
    }
}
