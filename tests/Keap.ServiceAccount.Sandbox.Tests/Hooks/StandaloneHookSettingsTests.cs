using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Keap.ServiceAccount.Sandbox.Tests;

/// <summary>The hook settings of the standalone sandbox, from configuration.</summary>
public sealed partial class StandaloneSandboxTests
{
    [Fact]
    public async Task Hook_delays_timeout_and_retries_come_from_configuration()
    {
        await using var app = await StartAsync(
            new CapturedLogs(),
            "--KeapSandbox:Hooks:DeliveryDelay=00:00:05",
            "--KeapSandbox:Hooks:TagEventDelay=00:07:00",
            "--KeapSandbox:Hooks:DeliveryTimeout=00:00:10",
            "--KeapSandbox:Hooks:RetryDelays:0=00:00:20",
            "--KeapSandbox:Hooks:RetryDelays:1=00:02:00");

        var hooks = app.Services.GetRequiredService<IOptions<KeapSandboxOptions>>().Value.Hooks;

        Assert.Equal(TimeSpan.FromSeconds(5), hooks.DeliveryDelay);
        Assert.Equal(TimeSpan.FromMinutes(7), hooks.TagEventDelay);
        Assert.Equal(TimeSpan.FromSeconds(10), hooks.DeliveryTimeout);
        Assert.Equal([TimeSpan.FromSeconds(20), TimeSpan.FromMinutes(2)], hooks.RetryDelays);
    }

    [Fact]
    public async Task A_negative_hook_delay_stops_the_start_naming_its_key()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(
            new CapturedLogs(), "--KeapSandbox:Hooks:TagEventDelay=-00:00:01"));

        Assert.Contains("KeapSandbox:Hooks:TagEventDelay", error.Message, StringComparison.Ordinal);
    }
}
