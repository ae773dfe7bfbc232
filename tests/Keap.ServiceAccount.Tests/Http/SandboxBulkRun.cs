using System.Globalization;
using Keap.ServiceAccount.Http;
using Keap.ServiceAccount.Sandbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Keap.ServiceAccount.Tests.Http;

/// <summary>
/// One sandbox and one or more package instances (separate service providers, like separate processes) sharing a fake
/// clock. <see cref="RunAsync"/> upserts distinct emails from several workers per instance and moves the clock only
/// while no attempt is on the wire, straight to the next slot a limiter waits for, so the sandbox's per-second and
/// per-minute windows see fake time exactly as the limiters do, and a run of many fake seconds takes a few real ones.
/// </summary>
internal sealed class SandboxBulkRun : IAsyncDisposable
{
    public const string ClientId = "bulk-client";
    public const string ApiKey = "KeapAK-bulk-test-key";

    private readonly List<ServiceProvider> _instances;
    private readonly System.Collections.Concurrent.ConcurrentQueue<DateTimeOffset> _sent = new();
    private long _answered;

    private SandboxBulkRun(KeapSandboxServer sandbox, FakeTimeProvider clock, List<ServiceProvider> instances)
    {
        Sandbox = sandbox;
        Clock = clock;
        _instances = instances;
    }

    public KeapSandboxServer Sandbox { get; }

    public FakeTimeProvider Clock { get; }

    public IReadOnlyList<ServiceProvider> Instances => _instances;

    /// <summary>Starts the sandbox with Keap's limits for the credential kind and <paramref name="instances"/> package instances.</summary>
    public static async Task<SandboxBulkRun> StartAsync(
        bool serviceAccountKey, int instances = 1, Action<KeapSandboxOptions>? sandboxOptions = null, Action<KeapServiceAccountOptions>? configure = null)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        var sandbox = await KeapSandboxServer.StartAsync(
            o =>
            {
                o.Apps.Add(new KeapSandboxApp { ClientId = ClientId, ClientSecret = "bulk-secret", AllowAnyRedirectUri = true });
                o.ServiceAccountKeys.Add(ApiKey);

                // Keap's documented limits: OAuth app 25/s spike, 1,500/min; Service Account Key 10/s, 240/min.
                o.SpikeArrestPerSecond = serviceAccountKey ? 10 : 25;
                o.ThrottlePerMinute = serviceAccountKey ? 240 : 1500;
                o.DailyQuota = serviceAccountKey ? 30_000 : 150_000;
                o.TenantThrottlePerMinute = 10_000;
                sandboxOptions?.Invoke(o);
            },
            clock);
        var run = new SandboxBulkRun(sandbox, clock, []);
        for (var i = 0; i < instances; i++)
        {
            run._instances.Add(await run.StartInstanceAsync(serviceAccountKey, configure));
        }

        return run;
    }

    /// <summary>
    /// Upserts <paramref name="emails"/> distinct contacts from <paramref name="workersPerInstance"/> workers in every
    /// instance, moving the clock by <paramref name="step"/> whenever nothing is on the wire.
    /// </summary>
    public async Task<BulkResult> RunAsync(int emails, int workersPerInstance, TimeSpan step)
    {
        var start = Clock.GetUtcNow();
        var requestsBefore = Sandbox.State.ApiRequests;
        var next = -1;
        var failures = new System.Collections.Concurrent.ConcurrentBag<Exception>();
        var workers = _instances.SelectMany(instance => Enumerable.Range(0, workersPerInstance).Select(_ => Task.Run(async () =>
        {
            var contacts = instance.GetRequiredService<IKeapContactsClient>();
            for (var i = Interlocked.Increment(ref next); i < emails; i = Interlocked.Increment(ref next))
            {
                try
                {
                    await contacts.UpsertByEmailAsync(new KeapContactInput { Email = string.Create(CultureInfo.InvariantCulture, $"bulk{i}@example.com") });
                }
                catch (Exception e) when (e is KeapApiException or OperationCanceledException)
                {
                    failures.Add(e);
                }
            }
        }))).ToList();
        var all = Task.WhenAll(workers);
        await DriveAsync(all, step);
        var sent = _sent.Where(s => s >= start).Order().ToList();
        return new BulkResult(emails, Sandbox.State.ApiRequests - requestsBefore, failures.ToList(), Clock.GetUtcNow() - start, Sandbox.State.SpikeArrests + Sandbox.State.QuotaRefusals, sent);
    }

    /// <summary>
    /// Moves the clock whenever every attempt the limiters granted has been answered: to the moment the first waiting
    /// call may start, or by <paramref name="step"/> when nothing waits in a limiter for a while (a backoff delay).
    /// </summary>
    public async Task DriveAsync(Task task, TimeSpan step)
    {
        var limiters = _instances.Select(i => i.GetRequiredService<KeapRateLimiter>()).ToList();
        var idlePolls = 0;
        await Eventually.TrueAsync(
            "the bulk run completes",
            () => task.IsCompleted,
            () =>
            {
                var granted = limiters.Sum(l => l.GetStatistics()!.TotalSuccessfulLeases);
                if (task.IsCompleted || granted != Volatile.Read(ref _answered))
                {
                    idlePolls = 0;
                    return;
                }

                var now = Clock.GetUtcNow();
                var next = limiters.Select(l => l.WaitingUntil).Where(t => t > now).Min();
                if (next is { } until)
                {
                    Clock.Advance(until - now);
                    idlePolls = 0;
                }
                else if (++idlePolls >= 20)
                {
                    Clock.Advance(step);
                    idlePolls = 0;
                }
            },
            pause: TimeSpan.FromMilliseconds(1),
            timeout: TimeSpan.FromMinutes(5));
        await task;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in _instances)
        {
            await instance.DisposeAsync();
        }

        await Sandbox.DisposeAsync();
    }

    private async Task<ServiceProvider> StartInstanceAsync(bool serviceAccountKey, Action<KeapServiceAccountOptions>? configure)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Clock);
        var keap = services.AddKeapServiceAccount(o =>
        {
            o.ClientId = ClientId;
            o.ClientSecret = "bulk-secret";
            o.RedirectUri = new Uri("https://app.example/keap/callback");
            o.ServiceAccountKey = serviceAccountKey ? ApiKey : null;
            o.ApiBaseAddress = Sandbox.ApiBaseAddress;
            o.TokenEndpoint = Sandbox.TokenEndpoint;
            configure?.Invoke(o);
        });
        keap.ConfigureHttpClient(http => http.AddHttpMessageHandler(() => new AnsweredHandler(this)));
        var provider = services.BuildServiceProvider();
        if (!serviceAccountKey)
        {
            var grant = Sandbox.IssueToken(ClientId);
            var now = Clock.GetUtcNow();
            await provider.GetRequiredService<ITokenStore>().TrySaveAsync(
                new KeapToken(grant.AccessToken, grant.RefreshToken, now.AddSeconds(grant.ExpiresIn), now, grant.Scope), StoredToken.NoVersion);
        }

        return provider;
    }

    /// <summary>
    /// Innermost handler: notes when each attempt is sent (the clock does not move while it is on the wire) and counts
    /// the answered ones, so the clock never moves while one is on the wire.
    /// </summary>
    private sealed class AnsweredHandler(SandboxBulkRun run) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            run._sent.Enqueue(run.Clock.GetUtcNow());
            try
            {
                return await base.SendAsync(request, cancellationToken);
            }
            finally
            {
                Interlocked.Increment(ref run._answered);
            }
        }
    }
}

/// <summary>
/// What a bulk run achieved: the requests the sandbox received (an upsert may read the stored contact first, so a call
/// can be two), caller failures, fake time taken, the sandbox's refusals (spike arrests and quota 429s) and when each
/// attempt was sent, in order.
/// </summary>
internal sealed record BulkResult(int Calls, long Requests, IReadOnlyList<Exception> Failures, TimeSpan Elapsed, long Refusals, IReadOnlyList<DateTimeOffset> Sent)
{
    /// <summary>Requests per second, the unit Keap's limits count.</summary>
    public double Rate => Requests / Elapsed.TotalSeconds;

    /// <summary>Requests the sandbox accepted (not refused with a 429), per second.</summary>
    public double AcceptedRate => (Requests - Refusals) / Elapsed.TotalSeconds;

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Calls} calls, {Requests} requests, {Failures.Count} failed ({(Failures.Count > 0 ? Failures[0].Message : "")}), {Refusals} refused, {Elapsed.TotalSeconds:F1} s, {Rate:F2}/s");
}
