using Keap.ServiceAccount.Sandbox.Tests.Hooks;
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

    [Fact]
    public async Task Hook_logs_name_the_hook_but_never_its_url()
    {
        var logs = new CapturedLogs();
        await using var receiver = await HookReceiver.StartAsync();
        await using var app = await StartAsync(
            logs,
            "--KeapSandbox:ServiceAccountKeys:0=KeapAK-standalone",
            "--KeapSandbox:Hooks:DeliveryDelay=00:00:00",
            "--KeapSandbox:Hooks:RetryDelays:0=01:00:00");
        using var attempts = new AttemptWatcher(app.Services.GetRequiredService<KeapSandboxHooks>());
        using var api = new HttpClient { BaseAddress = new Uri(Root(app), "crm/") };
        api.DefaultRequestHeaders.Add("X-Keap-API-Key", "KeapAK-standalone");
        await HookSubscriptionTests.SubscribeAsync(api, "contact.add", receiver.Url());
        await receiver.NextAsync();
        receiver.Default = ReceiverAnswer.Status;

        await SandboxTestHost.CreateContactAsync(api, "ada@example.com");
        var failed = await attempts.NextAsync();

        Assert.Equal("Retrying", failed.Outcome);
        Assert.Contains(logs.Entries, e => e.Text.Contains($"hook {failed.HookKey} (contact.add) verification ended Verified", StringComparison.Ordinal));
        Assert.Contains(logs.Entries, e => e.Text.Contains($"to hook {failed.HookKey} failed at attempt 1 (status 500", StringComparison.Ordinal));
        Assert.DoesNotContain("s3cr3t-path", logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain(receiver.Root.Authority, logs.AllText, StringComparison.Ordinal);
    }
}
