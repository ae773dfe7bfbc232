using Keap.ServiceAccount.Tokens;
using Keap.ServiceAccount.Tokens.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Keap.ServiceAccount.Tests.Tokens;

/// <summary>A real container with the package's registrations, a fake clock, captured logs and the fake token endpoint.</summary>
public sealed class TokenTestHost : IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly TimeSpan KeapLifetime = TimeSpan.FromHours(24);

    private TokenTestHost(ServiceProvider provider, FakeTimeProvider clock, FakeTokenEndpoint endpoint)
    {
        Provider = provider;
        Clock = clock;
        Endpoint = endpoint;
    }

    public ServiceProvider Provider { get; }

    /// <summary>Token requests on the wire; the fake clock must not race ahead of real I/O (it would fire the request timeout).</summary>
    internal InFlightHandler InFlight { get; private init; } = new();

    public FakeTimeProvider Clock { get; }

    public FakeTokenEndpoint Endpoint { get; }

    public ITokenStore Store => Provider.GetRequiredService<ITokenStore>();

    internal KeapTokenManager Manager => Provider.GetRequiredService<KeapTokenManager>();

    internal IAccessTokenProvider Tokens => Provider.GetRequiredService<IAccessTokenProvider>();

    public IKeapAuthorization Authorization => Provider.GetRequiredService<IKeapAuthorization>();

    public FakeLogCollector Logs => Provider.GetFakeLogCollector();

    public static TokenTestHost Create(
        FakeTokenEndpoint endpoint,
        FakeTimeProvider? clock = null,
        ITokenStore? store = null,
        Action<KeapServiceAccountOptions>? configure = null,
        Action<KeapServiceAccountBuilder>? build = null)
    {
        clock ??= new FakeTimeProvider(Start);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        services.AddFakeLogging(o => o.FilteredLevels.Clear());
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace));
        var builder = services.AddKeapServiceAccount(o =>
        {
            o.ClientId = FakeTokenEndpoint.ClientId;
            o.ClientSecret = FakeTokenEndpoint.ClientSecret;
            o.RedirectUri = new Uri("https://app.example/keap/callback");
            o.TokenEndpoint = endpoint.TokenUri;
            configure?.Invoke(o);
        });
        if (store is not null)
        {
            builder.UseTokenStore(_ => store);
        }

        var inFlight = new InFlightHandler();
        services.AddHttpClient(TokenEndpointClient.HttpClientName).AddHttpMessageHandler(() => new InFlightHandler.Counter(inFlight));
        build?.Invoke(builder);
        services.AddHealthChecks().AddKeapServiceAccount();
        return new TokenTestHost(services.BuildServiceProvider(), clock, endpoint) { InFlight = inFlight };
    }

    /// <summary>
    /// Stores a token the fake endpoint knows, expiring <paramref name="expiresIn"/> from now. Unless
    /// <paramref name="refreshTokenAge"/> says otherwise, it is a 24-hour token (Keap's lifetime) issued that long before its expiry.
    /// </summary>
    public async Task<StoredToken> SeedAsync(TimeSpan expiresIn, TimeSpan? refreshTokenAge = null)
    {
        var (access, refresh) = Endpoint.Issue();
        var now = Clock.GetUtcNow();
        var age = refreshTokenAge ?? (expiresIn < KeapLifetime ? KeapLifetime - expiresIn : TimeSpan.Zero);
        var token = new KeapToken(access, refresh, now + expiresIn, now - age, FakeTokenEndpoint.Scope);
        var current = await Store.GetAsync();
        return (await Store.TrySaveAsync(token, current?.Version ?? StoredToken.NoVersion))!;
    }

    public Task<HealthReport> CheckHealthAsync() => Provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

    /// <summary>Moves the fake clock in steps until <paramref name="task"/> completes (backoffs and lease waits run on it).</summary>
    public async Task<T> AdvanceUntilAsync<T>(Task<T> task, TimeSpan step)
    {
        await AdvanceUntilAsync(() => task.IsCompleted, step);
        return await task;
    }

    /// <summary>
    /// Moves the fake clock by <paramref name="step"/> (never while a token request is on the wire) until
    /// <paramref name="done"/> holds, failing if it never does; with <paramref name="steps"/>, at most that many
    /// steps, whether or not <paramref name="done"/> holds by then.
    /// </summary>
    public async Task AdvanceUntilAsync(Func<bool> done, TimeSpan step, int? steps = null)
    {
        var taken = 0;

        // A real, tiny pause lets the work queued by the clock run before the next step.
        await Eventually.TrueAsync(
            $"the condition holds, moving the fake clock by {step} a step",
            () => done() || taken >= steps,
            () =>
            {
                taken++;
                if (InFlight.Count == 0)
                {
                    Clock.Advance(step);
                }
            },
            pause: TimeSpan.FromMilliseconds(1));
    }

    public string AllLogText() => string.Join('\n', Logs.GetSnapshot().Select(r => $"{r.Message} {r.Exception}"));

    public void Dispose()
    {
        Provider.Dispose();
    }
}

internal sealed class InFlightHandler
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public sealed class Counter(InFlightHandler owner) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref owner._count);
            try
            {
                return await base.SendAsync(request, cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref owner._count);
            }
        }
    }
}
