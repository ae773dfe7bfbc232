using System.Net.Http.Headers;
using System.Net.Http.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Keap.ServiceAccount.Contacts;
using Keap.ServiceAccount.Http;
using Keap.ServiceAccount.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Refit;

namespace Keap.ServiceAccount.Benchmarks;

/// <summary>
/// One contact GET through the whole package (typed client → Refit → resilience → quota handler → auth handler with the
/// real token manager holding a fresh token) against the same GET through a bare <see cref="HttpClient"/> with a fixed
/// bearer header and the same JSON deserialization, one call at a time and 64 at once. Two more one-at-a-time rows
/// split the package's cost: its handler chain alone (the named client from the factory, read like the raw client) and
/// Refit alone (over the raw client).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortRunConfig))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class PipelineBenchmarks
{
    private const int Concurrency = 64;
    private const string Concurrent = "64 concurrent";
    private const string Sequential = "1 at a time";
    private const string Breakdown = "1 at a time, split";
    private static readonly Uri ContactPath = new("rest/v2/contacts/" + LoopbackContactServer.ContactId, UriKind.Relative);

    private LoopbackContactServer _server = null!;
    private ServiceProvider _services = null!;
    private IKeapContactsClient _contacts = null!;
    private HttpClient _raw = null!;
    private HttpClient _handlers = null!;
    private IKeapContactsApi _refitOnly = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _server = await LoopbackContactServer.StartAsync();
        // The loopback server is not Keap: the rate limiter stays on (every attempt passes it, as in production) with
        // limits no benchmark reaches, so it costs what it costs per call without spacing calls at Keap's 25 a second.
        _services = KeapServices.Build(_server.ApiBaseAddress, new Uri(_server.BaseAddress, "token"), configure: o =>
        {
            o.RateLimit.RequestsPerSecond = 1_000_000;
            o.RateLimit.RequestsPerMinute = int.MaxValue;
            o.RateLimit.AccountRequestsPerMinute = int.MaxValue;
        });
        await KeapServices.SeedAsync(_services, "benchmark-access-token", "benchmark-refresh-token", TimeSpan.FromHours(24), "full|bench.infusionsoft.com");
        _contacts = _services.GetRequiredService<IKeapContactsClient>();

        // Warm: the manager reads the store once and then serves the token from memory.
        var token = await _services.GetRequiredService<IAccessTokenProvider>().GetAccessTokenAsync(CancellationToken.None);
        _raw = new HttpClient { BaseAddress = _server.ApiBaseAddress };
        _raw.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        _handlers = _services.GetRequiredService<IHttpClientFactory>().CreateClient(KeapApi.HttpClientName);

        // Only the serializer matters on this success-only path; the package's error factories never run.
        _refitOnly = RestService.For<IKeapContactsApi>(_raw, new RefitSettings { ContentSerializer = new SystemTextJsonContentSerializer(ContactsJsonContext.Default.Options) });

        // Both paths must read the same contact, or the comparison means nothing.
        var viaPackage = await PackageAsync();
        var viaRaw = await RawAsync();
        var viaHandlers = await HandlersOnly();
        var viaRefit = await RefitOnly();
        if (new[] { viaPackage?.Email, viaRaw.Email, viaHandlers.Email, viaRefit.Email }.Any(e => e != LoopbackContactServer.Email))
        {
            throw new InvalidOperationException("The loopback contact was not read back through both paths.");
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _raw.Dispose();
        _handlers.Dispose();
        await _services.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "raw HttpClient")]
    [BenchmarkCategory(Sequential)]
    public Task<KeapContact> Raw() => RawAsync();

    [Benchmark(Description = "Keap.ServiceAccount")]
    [BenchmarkCategory(Sequential)]
    public Task<KeapContact?> Package() => PackageAsync();

    [Benchmark(Baseline = true, Description = "raw HttpClient", OperationsPerInvoke = Concurrency)]
    [BenchmarkCategory(Concurrent)]
    public Task RawConcurrent() => Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => RawAsync()));

    [Benchmark(Description = "Keap.ServiceAccount", OperationsPerInvoke = Concurrency)]
    [BenchmarkCategory(Concurrent)]
    public Task PackageConcurrent() => Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => PackageAsync()));

    [Benchmark(Baseline = true, Description = "raw HttpClient")]
    [BenchmarkCategory(Breakdown)]
    public Task<KeapContact> RawAgain() => RawAsync();

    [Benchmark(Description = "package handlers, no Refit")]
    [BenchmarkCategory(Breakdown)]
    public Task<KeapContact> HandlersOnly() => ReadAsync(_handlers);

    [Benchmark(Description = "Refit, no package handlers")]
    [BenchmarkCategory(Breakdown)]
    public Task<KeapContact> RefitOnly() => _refitOnly.GetAsync(LoopbackContactServer.ContactId, null, CancellationToken.None);

    private Task<KeapContact?> PackageAsync() => _contacts.GetAsync(LoopbackContactServer.ContactId);

    private Task<KeapContact> RawAsync() => ReadAsync(_raw);

    private static async Task<KeapContact> ReadAsync(HttpClient client)
    {
        using var response = await client.GetAsync(ContactPath);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync(ContactsJsonContext.Default.KeapContact))!;
    }
}
