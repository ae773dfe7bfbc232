using BenchmarkDotNet.Attributes;
using Keap.ServiceAccount.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Keap.ServiceAccount.Benchmarks;

/// <summary>
/// N callers ask for the token at the same moment, just after it expired: time until every caller has a token,
/// and how many times the sandbox's token endpoint was called (the Keap calls column; target 1 per storm).
/// </summary>
/// <remarks>
/// The package's clock is a fake one, moved a day forward before each storm so the cached token is expired; the
/// sandbox keeps the real clock, so the refresh token it issued is still valid and the refresh is a real HTTP call.
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(OneShotConfig))]
public class RefreshStormBenchmarks
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private SandboxedKeap _keap = null!;
    private IAccessTokenProvider _tokens = null!;
    private long _refreshesBefore;

    [Params(1, 100, 10_000)]
    public int Callers { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _keap = await SandboxedKeap.StartAsync(_time);
        _tokens = _keap.Services.GetRequiredService<IAccessTokenProvider>();
        await _tokens.GetAccessTokenAsync(CancellationToken.None);
    }

    [GlobalCleanup]
    public Task CleanupAsync() => _keap.DisposeAsync().AsTask();

    [IterationSetup]
    public void ExpireToken()
    {
        // Past the access token's expiry (and so past both refresh windows).
        _time.Advance(TimeSpan.FromHours(25));
        _refreshesBefore = _keap.Sandbox.State.TokenRequests;
    }

    [IterationCleanup]
    public void CountRefreshes() =>
        KeapCalls.Record(nameof(Storm), Callers, _keap.Sandbox.State.TokenRequests - _refreshesBefore);

    [Benchmark(Description = "callers at expiry until all proceed")]
    public Task Storm()
    {
        var callers = new Task<string>[Callers];
        for (var i = 0; i < callers.Length; i++)
        {
            callers[i] = _tokens.GetAccessTokenAsync(CancellationToken.None).AsTask();
        }

        return Task.WhenAll(callers);
    }
}
