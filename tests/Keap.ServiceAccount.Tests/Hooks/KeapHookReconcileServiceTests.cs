using System.Net;
using Keap.ServiceAccount.Hooks;
using Keap.ServiceAccount.Tests.Http;
using Keap.ServiceAccount.Tokens;
using Keap.ServiceAccount.Tokens.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Keap.ServiceAccount.Tests.Hooks;

public sealed class KeapHookReconcileServiceTests : IAsyncLifetime
{
    private const string Receiver = "https://app.example/keap/hooks";
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(30);

    private readonly FakeKeapHooks _keap = new();
    private readonly FakeAuthorization _authorization = new();
    private readonly FakeLifetime _lifetime = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly ApiHarness _app;
    private readonly KeapHookReconcileService _service;

    public KeapHookReconcileServiceTests()
    {
        _app = ApiHarness.Start(time: _time, builder: keap =>
        {
            keap.AddHooks(o =>
                {
                    o.ReceiverUrl = new Uri(Receiver);
                    o.EventKeys.Add("contact.delete");
                    o.ReconcileInterval = Interval;
                })
                .ConfigureHttpClient(http => http.ConfigurePrimaryHttpMessageHandler(() => new KeapHookReconcilerTests.Forwarder(_keap)));
            keap.Services.AddSingleton<IKeapAuthorization>(_authorization);
            keap.Services.AddSingleton<IHostApplicationLifetime>(_lifetime);
        });
        _service = _app.Services.GetServices<IHostedService>().OfType<KeapHookReconcileService>().Single();
    }

    private int Reconciliations => _app.Logs.GetSnapshot().Count(r => r.Id.Id == 1260);

    private int Lists => _keap.Calls.Count(c => c == "GET ");

    // The API pipeline's timers (the rate limiter's) run on the fake clock: move it on a little between checks.
    private void Tick() => _time.Advance(TimeSpan.FromMilliseconds(10));

    public Task InitializeAsync() => _service.StartAsync(CancellationToken.None);

    public async Task DisposeAsync()
    {
        await _service.StopAsync(CancellationToken.None);
        _lifetime.Dispose();
        _app.Dispose();
        _keap.Dispose();
    }

    [Fact]
    public async Task Reconciles_only_after_the_host_started_then_every_interval_on_the_clock()
    {
        _authorization.State = KeapConnectionState.Connected;
        var callsBeforeStart = -1;
        _keap.BeforeCall = _ =>
        {
            if (!_lifetime.HasStarted)
            {
                Interlocked.Exchange(ref callsBeforeStart, 1);
            }

            return Task.CompletedTask;
        };

        // The clock moving past a whole interval before the host started must not bring a reconciliation forward.
        _time.Advance(Interval * 2);
        _lifetime.Start();
        await Eventually.TrueAsync("the first reconciliation ends", () => Reconciliations == 1, Tick);
        Assert.Single(_keap.Hooks);
        Assert.Equal(-1, callsBeforeStart);
        Assert.Equal(1, _authorization.StatusReads);

        var listsAfterFirst = Lists;
        _keap.SetStatus(_keap.Hooks[0].Key, "Inactive");

        // Due at an absolute time: one step to it fires the next reconciliation whether or not its timer exists yet.
        _time.Advance(Interval - TimeSpan.FromSeconds(5));
        Assert.Equal(listsAfterFirst, Lists);
        _time.Advance(TimeSpan.FromSeconds(5));
        await Eventually.TrueAsync("the next interval reconciles again", () => Reconciliations == 2, Tick);
        Assert.True(Lists > listsAfterFirst);

        Assert.Equal("Verified", _keap.Hooks[0].Status);
    }

    [Fact]
    public async Task Does_nothing_while_not_connected_and_reconciles_as_soon_as_a_connection_is_made()
    {
        _authorization.State = KeapConnectionState.NotConnected;
        _lifetime.Start();
        await Eventually.TrueAsync("the service read the connection status", () => _authorization.StatusReads >= 1);

        Assert.Empty(_keap.Calls);

        _authorization.State = KeapConnectionState.Connected;
        var connectedAt = _time.GetUtcNow();
        _app.Services.GetRequiredService<RefreshCoordinator>().NotifyChanged();

        await Eventually.TrueAsync("connecting reconciles at once, long before the interval", () => _keap.Hooks.Count == 1, Tick);
        Assert.True(_time.GetUtcNow() - connectedAt < Interval / 2);
    }

    [Fact]
    public async Task Connecting_again_while_connected_reconciles_at_once()
    {
        // A reconnect (to another Keap account, or to one that lost its subscriptions) happens while the status stays
        // Connected: the new authorization must still be reconciled at once, not an interval later.
        _authorization.State = KeapConnectionState.Connected;
        _lifetime.Start();
        await Eventually.TrueAsync("the first reconciliation ends", () => Reconciliations == 1, Tick);
        _keap.Remove(Assert.Single(_keap.Hooks).Key);

        var reconnectedAt = _time.GetUtcNow();
        var token = new KeapToken("access-2", "refresh-2", reconnectedAt.AddHours(24), reconnectedAt, "full|other.infusionsoft.com");
        _app.Services.GetRequiredService<KeapTokenManager>().Adopt(new StoredToken(token, 2));

        await Eventually.TrueAsync("the reconnect reconciles", () => Reconciliations == 2, Tick);
        Assert.Single(_keap.Hooks);
        Assert.True(_time.GetUtcNow() - reconnectedAt < Interval / 2);
    }

    [Fact]
    public async Task A_subscription_Keap_could_not_verify_is_a_warning_that_says_what_to_check()
    {
        // The receiver mapped at another path than Keap:Hooks:ReceiverUrl: Keap's handshake gets a 404 and nothing is delivered.
        _keap.Handshake = _ => false;
        _authorization.State = KeapConnectionState.Connected;
        _lifetime.Start();
        await Eventually.TrueAsync("the reconciliation ends", () => Reconciliations == 1, Tick);

        var warning = Assert.Single(_app.Logs.GetSnapshot(), r => r.Id.Id == 1266);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("contact.delete", warning.Message, StringComparison.Ordinal);
        Assert.Contains("Keap:Hooks:ReceiverUrl", warning.Message, StringComparison.Ordinal);
        Assert.Contains("MapKeapHooks", warning.Message, StringComparison.Ordinal);
        var secret = await _app.Services.GetRequiredService<IKeapHookSecretStore>().GetOrCreateAsync();
        Assert.DoesNotContain(secret, warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verified_subscriptions_give_no_warning()
    {
        _authorization.State = KeapConnectionState.Connected;
        _lifetime.Start();
        await Eventually.TrueAsync("the reconciliation ends", () => Reconciliations == 1, Tick);

        Assert.Equal("Verified", Assert.Single(_keap.Hooks).Status);
        Assert.DoesNotContain(_app.Logs.GetSnapshot(), r => r.Id.Id == 1266);
    }

    [Fact]
    public async Task A_failure_is_logged_without_the_secret_and_tried_again_a_minute_later()
    {
        var secret = await _app.Services.GetRequiredService<IKeapHookSecretStore>().GetOrCreateAsync();
        _keap.FailWith = HttpStatusCode.BadRequest;
        _keap.FailMessage = $"Hook URL {Receiver}/{secret} did not answer";
        _authorization.State = KeapConnectionState.Connected;
        _lifetime.Start();

        await Eventually.TrueAsync("the failure is logged", () => _app.Logs.GetSnapshot().Any(r => r.Id.Id == 1261), Tick);
        var failure = _app.Logs.GetSnapshot().First(r => r.Id.Id == 1261);
        Assert.Contains("did not answer", failure.Message, StringComparison.Ordinal);
        Assert.Contains("00:01:00", failure.Message, StringComparison.Ordinal);

        _keap.FailWith = null;
        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.Empty(_keap.Hooks);
        await Eventually.TrueAsync("the retry a minute later subscribes", () => _keap.Hooks.Count == 1, () => _time.Advance(TimeSpan.FromSeconds(1)));

        Assert.DoesNotContain(secret, _app.AllLogText(), StringComparison.Ordinal);
        Assert.All(_app.Logs.GetSnapshot(), r => Assert.DoesNotContain(secret, string.Join(" ", r.StructuredState?.Select(s => s.Value) ?? []), StringComparison.Ordinal));
    }

    private sealed class FakeAuthorization : IKeapAuthorization
    {
        private int _statusReads;

        public volatile KeapConnectionState State;

        public int StatusReads => Volatile.Read(ref _statusReads);

        public Task<KeapConnectionStatus> GetStatusAsync(CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _statusReads);
            return Task.FromResult(new KeapConnectionStatus { State = State });
        }

        public Task<Uri> CreateAuthorizationUriAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<KeapAuthorizationResult> CompleteAuthorizationAsync(KeapAuthorizationCallback callback, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task DisconnectAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<KeapConnectionStatus> RefreshNowAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }

    private sealed class FakeLifetime : IHostApplicationLifetime, IDisposable
    {
        private readonly CancellationTokenSource _started = new();
        private readonly CancellationTokenSource _stopping = new();
        private readonly CancellationTokenSource _stopped = new();

        public CancellationToken ApplicationStarted => _started.Token;

        public CancellationToken ApplicationStopping => _stopping.Token;

        public CancellationToken ApplicationStopped => _stopped.Token;

        public bool HasStarted => _started.IsCancellationRequested;

        public void Start() => _started.Cancel();

        public void StopApplication() => _stopping.Cancel();

        public void Dispose()
        {
            _started.Dispose();
            _stopping.Dispose();
            _stopped.Dispose();
        }
    }
}
