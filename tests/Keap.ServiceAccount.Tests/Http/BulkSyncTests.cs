using Xunit.Abstractions;

namespace Keap.ServiceAccount.Tests.Http;

/// <summary>
/// Bulk upserts from many workers against the sandbox at Keap's limits, on a fake clock: every call succeeds, the job
/// runs close to the allowed rate and the sandbox refuses at most a handful of requests.
/// </summary>
public sealed class BulkSyncTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Sixteen_workers_upsert_400_contacts_at_the_oauth_limits_without_a_failure()
    {
        // Allowed: 25 requests per second (spike arrest and 1,500 per minute agree).
        await RunAtTheAllowedRateAsync(serviceAccountKey: false, emails: 400, workers: 16, perSecond: 25, perMinute: 1_500);
    }

    [Fact]
    public async Task Eight_workers_upsert_150_contacts_with_a_service_account_key_without_a_failure()
    {
        // Allowed: 240 requests in any minute, 10 in any second: a burst of 240, then the rest a minute after the first.
        await RunAtTheAllowedRateAsync(serviceAccountKey: true, emails: 150, workers: 8, perSecond: 10, perMinute: 240);
    }

    /// <summary>One instance upserts <paramref name="emails"/> contacts: no caller fails, at most 1 % of requests are
    /// refused, no second holds more than <paramref name="perSecond"/> requests and no minute more than
    /// <paramref name="perMinute"/>, and the job runs at 90–100 % of the speed of the fastest schedule those allow.</summary>
    private async Task RunAtTheAllowedRateAsync(bool serviceAccountKey, int emails, int workers, int perSecond, int perMinute)
    {
        await using var run = await SandboxBulkRun.StartAsync(serviceAccountKey);

        var result = await run.RunAsync(emails, workersPerInstance: workers, step: TimeSpan.FromMilliseconds(10));
        output.WriteLine(result.ToString());

        Assert.True(result.Failures.Count == 0, result.ToString());
        Assert.Equal(emails, run.Sandbox.State.Contacts.Count);
        Assert.True(result.Refusals <= result.Requests / 100, result.ToString());
        Assert.InRange(RollingWindowBound.Busiest(result.Sent, RollingWindowBound.Second), 1, perSecond);
        Assert.InRange(RollingWindowBound.Busiest(result.Sent, RollingWindowBound.Minute), 1, perMinute);
        var fastest = RollingWindowBound.Fastest((int)result.Requests, perSecond, perMinute);
        Assert.InRange(fastest / result.Elapsed, 0.9, 1.0);
    }

    [Fact]
    public async Task Two_instances_sharing_the_oauth_app_converge_without_a_failure()
    {
        await using var run = await SandboxBulkRun.StartAsync(serviceAccountKey: false, instances: 2);

        var result = await run.RunAsync(emails: 300, workersPerInstance: 8, step: TimeSpan.FromMilliseconds(10));
        output.WriteLine(result.ToString());

        // Each instance starts at the whole allowance; the spike arrest's bare 429s narrow both until they fit.
        Assert.True(result.Failures.Count == 0, result.ToString());
        Assert.Equal(300, run.Sandbox.State.Contacts.Count);
        Assert.True(result.AcceptedRate <= 25, result.ToString());
        Assert.True(result.Refusals <= result.Requests / 10, result.ToString());
    }

    [Fact]
    public async Task Bursts_refused_with_bare_429s_narrow_the_rate_and_never_open_the_circuit()
    {
        // The package believes it may send 50 per second; the spike arrest allows 5 and says nothing, not even its rate.
        await using var run = await SandboxBulkRun.StartAsync(
            serviceAccountKey: false,
            sandboxOptions: o =>
            {
                o.SpikeArrestPerSecond = 5;
                o.AnnounceSpikeLimit = false;
            },
            configure: o =>
            {
                o.RateLimit.RequestsPerSecond = 50;
                o.RateLimit.RequestsPerMinute = 3000;
            });

        var result = await run.RunAsync(emails: 150, workersPerInstance: 16, step: TimeSpan.FromMilliseconds(10));
        output.WriteLine(result.ToString());

        Assert.True(result.Failures.Count == 0, result.ToString());
        Assert.Equal(150, run.Sandbox.State.Contacts.Count);
        Assert.True(run.Sandbox.State.SpikeArrests > 0, result.ToString());
        Assert.True(result.AcceptedRate <= 5, result.ToString());
    }
}
