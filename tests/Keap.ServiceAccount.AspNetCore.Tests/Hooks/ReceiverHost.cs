using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Keap.ServiceAccount.AspNetCore.Tests.Hooks;

/// <summary>
/// An application with the receiver mapped at <c>/keap/hooks</c>, its secret store and handler under the test's
/// control, its clock fake and its logs captured. In memory (TestServer) by default; on Kestrel over 127.0.0.1 when
/// the test needs the real wire (a chunked body).
/// </summary>
internal sealed class ReceiverHost : IAsyncDisposable
{
    public const string Secret = "p4th-s3cret_0123456789abcdefXYZ";
    public const string HookPath = "/keap/hooks/" + Secret;

    private readonly WebApplication _app;

    private ReceiverHost(WebApplication app, HttpClient client)
    {
        _app = app;
        Client = client;
    }

    public HttpClient Client { get; }

    public HandlerProbe Handler => _app.Services.GetRequiredService<HandlerProbe>();

    public FixedSecretStore Store => _app.Services.GetRequiredService<FixedSecretStore>();

    public FakeTimeProvider Time => _app.Services.GetRequiredService<FakeTimeProvider>();

    public FakeLogCollector Logs => _app.Services.GetFakeLogCollector();

    public static async Task<ReceiverHost> StartAsync(
        Dictionary<string, string?>? settings = null, bool kestrel = false, Action<WebApplication>? map = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        if (kestrel)
        {
            builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        }
        else
        {
            builder.WebHost.UseTestServer();
        }

        builder.CaptureLogsAsTheReadmeAdvises();
        builder.Configuration.AddInMemoryCollection(settings ?? []);

        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero));
        builder.Services.AddSingleton(time);
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddSingleton<HandlerProbe>();
        builder.Services.AddScoped<ScopedDependency>();
        builder.Services.AddSingleton<FixedSecretStore>();
        builder.Services.AddSingleton<IKeapHookSecretStore>(sp => sp.GetRequiredService<FixedSecretStore>());
        // What the core's AddHooks() binds from Keap:Hooks: the event keys the application subscribed to.
        builder.Services.Configure<KeapHookOptions>(o =>
        {
            o.EventKeys.Add("contact.delete");
            o.EventKeys.Add("contactGroup.removed");
        });
        builder.Services.AddKeapServiceAccount(o => o.ServiceAccountKey = "KeapAK-receiver-tests")
            .AddHookReceiver<RecordingHandler>();

        var app = builder.Build();
        if (map is null)
        {
            app.MapKeapHooks();
        }
        else
        {
            map(app);
        }

        await app.StartAsync();
        var client = kestrel
            ? new HttpClient { BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) }
            : app.GetTestClient();
        return new ReceiverHost(app, client);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>A secret store holding one fixed secret, counting its reads.</summary>
internal sealed class FixedSecretStore : IKeapHookSecretStore
{
    private int _reads;

    public int Reads => Volatile.Read(ref _reads);

    /// <summary>The stored secret; a test changes it to rotate the secret.</summary>
    public string Value { get; set; } = ReceiverHost.Secret;

    public ValueTask<string> GetOrCreateAsync(CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _reads);
        return ValueTask.FromResult(Value);
    }
}

/// <summary>What the handler does (set by the test) and what it was given.</summary>
internal sealed class HandlerProbe
{
    private readonly List<KeapHookDelivery> _deliveries = [];

    public Func<KeapHookDelivery, CancellationToken, Task> Behavior { get; set; } = (_, _) => Task.CompletedTask;

    /// <summary>The scoped dependency the last handler was given.</summary>
    public ScopedDependency? LastDependency { get; set; }

    /// <summary>Whether the scoped dependency throws when its scope disposes it (a DbContext whose connection broke, say).</summary>
    public bool DisposeFails { get; set; }

    public IReadOnlyList<KeapHookDelivery> Deliveries
    {
        get
        {
            lock (_deliveries)
            {
                return [.. _deliveries];
            }
        }
    }

    public void Record(KeapHookDelivery delivery)
    {
        lock (_deliveries)
        {
            _deliveries.Add(delivery);
        }
    }
}

/// <summary>The application's handler as the receiver resolves it: scoped, one per delivery, with a scoped dependency.</summary>
internal sealed class RecordingHandler(HandlerProbe probe, ScopedDependency dependency) : IKeapHookHandler
{
    public Task HandleAsync(KeapHookDelivery delivery, CancellationToken cancellationToken)
    {
        probe.Record(delivery);
        probe.LastDependency = dependency;
        return probe.Behavior(delivery, cancellationToken);
    }
}

/// <summary>A scoped service of the handler's (a DbContext, say), which says when its scope disposed it.</summary>
internal sealed class ScopedDependency(HandlerProbe probe) : IDisposable
{
    private int _disposed;

    public bool Disposed => Volatile.Read(ref _disposed) == 1;

    public void Dispose()
    {
        Volatile.Write(ref _disposed, 1);
        if (probe.DisposeFails)
        {
            throw new InvalidOperationException("dispose failed on row hunter2");
        }
    }
}
