using BenchmarkDotNet.Attributes;
using Keap.ServiceAccount.Tokens;
using Microsoft.Extensions.DependencyInjection;

namespace Keap.ServiceAccount.Benchmarks;

/// <summary>The hot path: the access token handed out by a warm manager while the token is fresh (no store access).</summary>
[MemoryDiagnoser]
[Config(typeof(ShortRunConfig))]
public class TokenHandOutBenchmarks
{
    private ServiceProvider _services = null!;
    private IAccessTokenProvider _tokens = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        // No HTTP happens here; the addresses only satisfy the options.
        var unused = new Uri("http://127.0.0.1:9/");
        _services = KeapServices.Build(unused, unused);
        await KeapServices.SeedAsync(_services, "benchmark-access-token", "benchmark-refresh-token", TimeSpan.FromHours(24), null);
        _tokens = _services.GetRequiredService<IAccessTokenProvider>();
        await _tokens.GetAccessTokenAsync(CancellationToken.None);
    }

    [GlobalCleanup]
    public Task CleanupAsync() => _services.DisposeAsync().AsTask();

    [Benchmark(Description = "GetAccessTokenAsync (fresh token)")]
    public string GetAccessToken()
    {
        var pending = _tokens.GetAccessTokenAsync(CancellationToken.None);

        // A fresh token completes synchronously; anything else would be a different measurement.
        return pending.IsCompletedSuccessfully ? pending.Result : throw new InvalidOperationException("The token was not served from memory.");
    }
}
