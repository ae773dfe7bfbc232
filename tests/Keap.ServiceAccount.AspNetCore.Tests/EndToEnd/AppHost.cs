using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Keap.ServiceAccount.AspNetCore.Tests.Connect;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Keap.ServiceAccount.AspNetCore.Tests.EndToEnd;

/// <summary>
/// An application as the README builds it: <c>AddKeapServiceAccount(...).AddHooks().AddHookReceiver&lt;T&gt;()</c>,
/// <c>MapKeapConnect</c> and <c>MapKeapHooks</c>, on Kestrel over 127.0.0.1 against the sandbox, its clock fake (the
/// reconcile interval, the handler's budget) and its logs captured as the README advises (the framework's request
/// lines, which carry the URL, at Warning; everything else at Trace).
/// </summary>
internal sealed class AppHost : IAsyncDisposable
{
    public static readonly KeapHookEventKey[] EventKeys = [KeapHookEventKey.ContactAdd, KeapHookEventKey.ContactDelete];

    private readonly WebApplication _app;

    private AppHost(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public IServiceProvider Services => _app.Services;

    public FakeTimeProvider Clock => _app.Services.GetRequiredService<FakeTimeProvider>();

    public FakeLogCollector Logs => _app.Services.GetFakeLogCollector();

    /// <summary>A free port on 127.0.0.1: the hook URL Keap keeps must still reach the application after a restart.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <param name="keap">The sandbox.</param>
    /// <param name="inbox">The application's storage of deliveries: it outlives a restart.</param>
    /// <param name="port">The port to listen on.</param>
    /// <param name="receiverPort">The port in <c>Keap:Hooks:ReceiverUrl</c> (another instance's, behind one address); <paramref name="port"/> by default.</param>
    /// <param name="store">Chooses the token store (and so where the path secret is kept); in memory by default.</param>
    /// <param name="eventKeys">The event keys to subscribe to; <see cref="EventKeys"/> by default.</param>
    public static async Task<AppHost> StartAsync(
        SandboxHost keap, Inbox inbox, int port, int? receiverPort = null, Action<KeapServiceAccountBuilder>? store = null, string[]? eventKeys = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        builder.CaptureLogsAsTheReadmeAdvises();
        builder.Services.Configure<Microsoft.Extensions.Hosting.HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(2));
        var clock = new FakeTimeProvider(keap.Clock.GetUtcNow());
        builder.Services.AddSingleton(clock);
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddSingleton(inbox);
        var keapBuilder = builder.Services.AddKeapServiceAccount(o =>
            {
                o.ClientId = "sandbox-client";
                o.ClientSecret = "sandbox-secret";
                o.RedirectUri = new Uri("http://127.0.0.1/admin/keap/callback");
                o.AuthorizeEndpoint = keap.AuthorizeEndpoint;
                o.TokenEndpoint = keap.TokenEndpoint;
                o.ApiBaseAddress = keap.ApiBaseAddress;
            })
            .AddHooks(o =>
            {
                o.ReceiverUrl = new Uri($"http://127.0.0.1:{receiverPort ?? port}/keap/hooks");
                foreach (var key in eventKeys ?? [.. EventKeys.Select(k => k.Value)])
                {
                    o.EventKeys.Add(key);
                }
            })
            .AddHookReceiver<InboxHandler>();
        store?.Invoke(keapBuilder);
        var app = builder.Build();
        app.MapGroup("/admin/keap").MapKeapConnect();
        app.MapKeapHooks();
        await app.StartAsync();
        return new AppHost(app, new Uri($"http://127.0.0.1:{port}/"));
    }

    /// <summary>Connects the application through the sandbox's consent page, as an administrator does.</summary>
    public async Task ConnectAsync()
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = BaseAddress };
        Assert.Equal("/admin?keap=Connected", (await KeapConnectEndpointsTests.ConsentAsync(browser, "allow")).OriginalString);
    }

    /// <summary>
    /// The API pipeline paces its calls on the application's clock: a call through it is awaited while the clock moves
    /// in small steps, far below the reconcile interval (1 hour) and the handler's budget (10 s).
    /// </summary>
    public Task<T> PumpAsync<T>(Task<T> call) => Pump(call).ContinueWith(_ => call, TaskScheduler.Default).Unwrap();

    public async Task Pump(Task call)
    {
        await Eventually.TrueAsync("the call through the API pipeline ended", () => call.IsCompleted, Step);
        await call;
    }

    /// <summary>One small step of the application's clock, for the API pipeline's pacing.</summary>
    public void Step() => Clock.Advance(TimeSpan.FromMilliseconds(200));

    public async Task<string> SecretAsync() => await Services.GetRequiredService<IKeapHookSecretStore>().GetOrCreateAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>
/// The application's storage: each change applied once by its delivery key, however often Keap delivers it; every
/// handler call counted. A test makes the handler fail to play a receiver whose storage is down.
/// </summary>
internal sealed class Inbox
{
    private readonly ConcurrentDictionary<string, KeapHookObject> _applied = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(KeapHookEventKey EventKey, KeapHookObject Object)> _changes = new();
    private int _calls;

    public bool Failing { get; set; }

    /// <summary>Stores the delivery, then fails before the answer (a crash after the commit).</summary>
    public bool FailAfterApplying { get; set; }

    public int Calls => Volatile.Read(ref _calls);

    /// <summary>The changes applied, in order, each once.</summary>
    public IReadOnlyList<(KeapHookEventKey EventKey, KeapHookObject Object)> Changes => [.. _changes];

    public Task ApplyAsync(KeapHookDelivery delivery)
    {
        Interlocked.Increment(ref _calls);
        if (Failing)
        {
            throw new InvalidOperationException("the application's storage is down");
        }

        foreach (var change in delivery.Objects)
        {
            if (_applied.TryAdd(change.DeliveryKey, change))
            {
                _changes.Enqueue((delivery.EventKey, change));
            }
        }

        return FailAfterApplying ? throw new InvalidOperationException("crashed after storing") : Task.CompletedTask;
    }
}

/// <summary>The handler as an application writes it: store (once per delivery key) before returning.</summary>
internal sealed class InboxHandler(Inbox inbox) : IKeapHookHandler
{
    public Task HandleAsync(KeapHookDelivery delivery, CancellationToken cancellationToken) => inbox.ApplyAsync(delivery);
}
