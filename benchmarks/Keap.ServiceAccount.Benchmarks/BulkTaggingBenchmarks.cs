using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace Keap.ServiceAccount.Benchmarks;

/// <summary>
/// Applying one tag to 10,000 contacts through <see cref="IKeapTagsClient.ApplyAsync"/> against the sandbox, with the
/// client's quota pacing on and off: wall time and the number of calls (target ceil(10,000 / 100) = 100).
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
        _keap = await SandboxedKeap.StartAsync(configure: o => o.QuotaPacing = QuotaPacing);
        _tags = _keap.Services.GetRequiredService<IKeapTagsClient>();

        // Real contacts, so the sandbox applies the tag rather than answering NOT_FOUND for each id.
        var contacts = _keap.Services.GetRequiredService<IKeapContactsClient>();
        var ids = new string[ContactCount];
        await Parallel.ForAsync(0, ContactCount, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var created = await contacts.CreateAsync(new KeapContactInput { Email = $"bulk{i}@example.com" }, ct);
            ids[i] = created.Id;
        });
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
