extern alias buttonpush;

using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters.Csv;
using BenchmarkDotNet.Jobs;
using Perfolizer.Mathematics.OutlierDetection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Keap.ServiceAccount.Benchmarks;

/// <summary>
/// How long the ButtonPush sample takes to answer Keap a 1,000-object REST hook delivery: the POST over loopback to
/// <c>MapKeapHooks</c> on Kestrel, the receiver's checks, and the sample's handler storing every object with its
/// outbox row in one SQLite transaction. Keap waits 30 s; the target is a p99 under 100 ms. Every delivery carries
/// new changes (new timestamps), so each one inserts 1,000 events rather than finding them stored.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(HookDeliveryConfig))]
public class HookDeliveryBenchmarks
{
    private const int Objects = 1_000;

    private ButtonPushHost _app = null!;
    private HttpClient _client = null!;
    private Uri _hookUrl = null!;
    private string _dataFolder = null!;
    private DateTimeOffset _changed = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var port = FreePort();
        var baseUrl = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
        _dataFolder = Path.Combine(Path.GetTempPath(), "buttonpush-bench", Guid.NewGuid().ToString("N"));
        _app = new ButtonPushHost(_dataFolder, baseUrl);
        _app.UseKestrel(port);
        _app.StartServer();
        var secret = await _app.Services.GetRequiredService<IKeapHookSecretStore>().GetOrCreateAsync();
        _hookUrl = new Uri($"{baseUrl}/keap/hooks/{secret}");
        _client = new HttpClient();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dataFolder, recursive: true);
    }

    [Benchmark(Description = "1,000-object delivery answered")]
    public async Task Delivery()
    {
        _changed = _changed.AddSeconds(1);
        using var content = new StringContent(Body(_changed), Encoding.UTF8, "application/json");
        using var response = await _client.PostAsync(_hookUrl, content);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"The receiver answered {(int)response.StatusCode}.");
        }
    }

    /// <summary>A <c>contact.edit</c> delivery of <see cref="Objects"/> contacts changed at <paramref name="changed"/>, as Keap sends it.</summary>
    private static string Body(DateTimeOffset changed)
    {
        var timestamp = changed.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        var body = new StringBuilder("""{"event_key":"contact.edit","object_type":"contact","object_keys":[""", 80 * Objects);
        for (var i = 1; i <= Objects; i++)
        {
            body.Append(CultureInfo.InvariantCulture, $$"""{"id":{{i}},"apiUrl":"","timestamp":"{{timestamp}}"}""").Append(i < Objects ? "," : "]}");
        }

        return body.ToString();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>One invocation per iteration, many iterations: the spread of single answers, up to the slowest.</summary>
public sealed class HookDeliveryConfig : ManualConfig
{
    public HookDeliveryConfig()
    {
        // Every answer counts towards a latency target: slow ones are kept, not removed as outliers.
        AddJob(ShortJobs.Create("Deliveries", warmupCount: 5, iterationCount: 100).WithInvocationCount(1).WithUnrollFactor(1).WithOutlierMode(OutlierMode.DontRemove));
        AddColumn(StatisticColumn.Min, StatisticColumn.Median, StatisticColumn.P95, StatisticColumn.Max);
        // Each answer's time, to read the 99th percentile from (BenchmarkDotNet has no P99 column).
        AddExporter(CsvMeasurementsExporter.Default);
    }
}

/// <summary>The ButtonPush app as it runs offline, in its own data folder, without its outbox worker.</summary>
internal sealed class ButtonPushHost(string dataFolder, string baseUrl) : WebApplicationFactory<buttonpush::Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSolutionRelativeContentRoot("samples/ButtonPush");
        builder.UseEnvironment("Production");
        builder.UseSetting("ButtonPush:DataFolder", dataFolder);
        builder.UseSetting("ButtonPush:PublicBaseUrl", baseUrl);
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        builder.ConfigureTestServices(services =>
        {
            // Only the answer is timed: the outbox worker, which applies the events afterwards, does not run.
            var worker = services.Single(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.Name == "OutboxWorker");
            services.Remove(worker);
        });
    }
}
