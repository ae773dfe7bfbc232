using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace Keap.ServiceAccount.Benchmarks;

/// <summary>
/// Applying one tag to 10,000 contacts through <see cref="IKeapTagsClient.ApplyAsync"/> against the sandbox, with the
/// client's quota pacing on and off: wall time and the number of calls (target ceil(10,000 / 100) = 100). The
/// client-side rate limit is on, at Keap's 25 a second for an OAuth app, so 100 calls take about four seconds.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(OneShotConfig))]
public class BulkTaggingBenchmarks
{
    private const int ContactCount = 10_000;

    private SandboxedKeap _keap = null!;
    private IKeapTagsClient _tags = null!;
    private string[] _contactIds = null!;
    private string _tagId = null!;

    [Params(true, false)]
    public bool QuotaPacing { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _keap = await SandboxedKeap.StartAsync(configure: o => o.Api.QuotaPacing = QuotaPacing);
        _tags = _keap.Services.GetRequiredService<IKeapTagsClient>();

        // Real contacts, so the sandbox applies the tag rather than answering NOT_FOUND for each id. Created through a
        // second registration with the client-side rate limit off: at Keap's 25 a second, 10,000 creates would take
        // about seven minutes of setup (the sandbox's own limits are generous unless configured).
        var ids = new string[ContactCount];
        await using (var seeding = KeapServices.ForSandbox(_keap.Sandbox, configure: o => o.RateLimit.Enabled = false))
        {
            await KeapServices.SeedFromSandboxAsync(seeding, _keap.Sandbox);
            var contacts = seeding.GetRequiredService<IKeapContactsClient>();
            await Parallel.ForAsync(0, ContactCount, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
            {
                var created = await contacts.CreateAsync(new KeapContactInput { Email = $"bulk{i}@example.com" }, ct);
                ids[i] = created.Id;
            });
        }

        _contactIds = ids;
        _tagId = await _tags.GetOrCreateIdAsync("bulk");
    }

    [GlobalCleanup]
    public Task CleanupAsync() => _keap.DisposeAsync().AsTask();

    [Benchmark(Description = "apply a tag to 10,000 contacts")]
    public async Task ApplyTag()
    {
        var before = _keap.Sandbox.State.ApiRequests;
        await _tags.ApplyAsync(_tagId, _contactIds);
        KeapCalls.Record(nameof(ApplyTag), QuotaPacing, _keap.Sandbox.State.ApiRequests - before);
    }
}
