using System.Collections.Concurrent;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Keap.ServiceAccount.Sandbox;
using Microsoft.Extensions.DependencyInjection;

namespace Keap.ServiceAccount.Benchmarks;

/// <summary>
/// A bulk sync at Keap's limits: <see cref="Calls"/> distinct contacts upserted by email from <see cref="Workers"/>
/// concurrent workers against the sandbox, which enforces Keap's limits for the credential on the real clock (spike
/// arrest per second without a warning header, throttle per minute). Reports the time taken against the fastest
/// schedule Keap's windows allow, the requests the sandbox refused (429) and the calls that failed for the caller.
/// </summary>
[Config(typeof(BulkSyncConfig))]
public class BulkSyncBenchmarks
{
    private static readonly ConcurrentDictionary<string, string> Outcomes = new(StringComparer.Ordinal);

    private KeapSandboxServer _sandbox = null!;
    private ServiceProvider _services = null!;
    private int _run;

    /// <summary>Which credential the application uses: Keap's limits differ.</summary>
    [Params("OAuth app", "Service Account Key")]
    public string Credential { get; set; } = "";

    private bool ServiceAccountKey => Credential == "Service Account Key";

    // Jobs that cross several minutes (an upsert is about two requests): about 4,800 requests for the OAuth app (3.2
    // minutes at 25 per second) and 1,200 for the key (4.4 minutes at 240 per minute).
    private int Calls => ServiceAccountKey ? 600 : 2_400;

    private int Workers => ServiceAccountKey ? 8 : 16;

    // Keap's documented limits: OAuth app 25/s spike, 1,500/min; Service Account Key 10/s, 240/min.
    private int PerSecond => ServiceAccountKey ? 10 : 25;

    private int PerMinute => ServiceAccountKey ? 240 : 1_500;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _sandbox = await KeapSandboxServer.StartAsync(o =>
        {
            o.ServiceAccountKeys.Add(KeapServices.ServiceAccountKey);
            o.SpikeArrestPerSecond = PerSecond;
            o.ThrottlePerMinute = PerMinute;
            o.DailyQuota = ServiceAccountKey ? 30_000 : 150_000;
            o.TenantThrottlePerMinute = 10_000;
        });
        _services = KeapServices.ForSandbox(_sandbox, configure: o => o.ServiceAccountKey = ServiceAccountKey ? KeapServices.ServiceAccountKey : null);
        if (!ServiceAccountKey)
        {
            await KeapServices.SeedFromSandboxAsync(_services, _sandbox);
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _services.DisposeAsync();
        await _sandbox.DisposeAsync();
    }

    [Benchmark(Description = "bulk upsert by email")]
    public async Task BulkSync()
    {
        var run = Interlocked.Increment(ref _run);
        var contacts = _services.GetRequiredService<IKeapContactsClient>();
        var refusedBefore = _sandbox.State.SpikeArrests + _sandbox.State.QuotaRefusals;
        var requestsBefore = _sandbox.State.ApiRequests;
        var next = -1;
        var failures = 0;
        var started = TimeProvider.System.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < Calls; i = Interlocked.Increment(ref next))
            {
                try
                {
                    await contacts.UpsertByEmailAsync(new KeapContactInput { Email = string.Create(CultureInfo.InvariantCulture, $"bulk{run}-{i}@example.com") });
                }
                catch (KeapApiException)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        })));
        var elapsed = TimeProvider.System.GetElapsedTime(started);
        var refused = _sandbox.State.SpikeArrests + _sandbox.State.QuotaRefusals - refusedBefore;
        var requests = _sandbox.State.ApiRequests - requestsBefore;
        // Keap's limits count requests; an upsert that merges stored arrays reads the contact first (two requests).
        // The fastest schedule: the per-second limit each second until the minute's budget is spent, then the same again
        // a minute after the first.
        var fastest = (60 * ((requests - 1) / PerMinute)) + (((requests - 1) % PerMinute) / PerSecond);
        Outcomes[Credential] = string.Create(
            CultureInfo.InvariantCulture,
            $"{requests} requests in {elapsed.TotalSeconds:F1} s, fastest allowed {fastest} s ({fastest / elapsed.TotalSeconds:P1}); {refused} refused ({(double)refused / requests:P1}); {failures} of {Calls} calls failed");
        Console.WriteLine($"BulkSync {Credential} run {run}: {Outcomes[Credential]}");
    }

    /// <summary>One cold run per credential: an operation takes several minutes on the real clock and must start in fresh windows.</summary>
    private sealed class BulkSyncConfig : ManualConfig
    {
        public BulkSyncConfig()
        {
            AddJob(ShortJobs.Create("Cold", warmupCount: 0, iterationCount: 1).WithStrategy(RunStrategy.ColdStart));
            AddColumn(new OutcomeColumn());
        }
    }

    private sealed class OutcomeColumn : IColumn
    {
        public string Id => nameof(OutcomeColumn);

        public string ColumnName => "time / fastest allowed; refused by Keap; failed for the caller";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => false;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "Time taken against the fastest schedule Keap's windows allow, 429s the sandbox sent, and calls that threw for the caller";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) =>
            Outcomes.TryGetValue(Convert.ToString(benchmarkCase.Parameters["Credential"], CultureInfo.InvariantCulture) ?? "", out var outcome) ? outcome : "-";

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;
    }
}
