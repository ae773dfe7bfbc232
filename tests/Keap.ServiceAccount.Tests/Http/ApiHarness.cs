using Keap.ServiceAccount.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using WireMock.Logging;
using WireMock.Server;

namespace Keap.ServiceAccount.Tests.Http;

/// <summary>A WireMock Keap on 127.0.0.1 and the package registered against it, with a fake token provider and captured logs.</summary>
internal sealed class ApiHarness : IDisposable
{
    public const string BasePath = "/crm";

    private ApiHarness(WireMockServer server, ServiceProvider services, FakeAccessTokenProvider tokens, FakeTimeProvider? time)
    {
        Server = server;
        Services = services;
        Tokens = tokens;
        Time = time;
    }

    public WireMockServer Server { get; }

    public ServiceProvider Services { get; }

    public FakeAccessTokenProvider Tokens { get; }

    public FakeTimeProvider? Time { get; }

    public IKeapContactsClient Contacts => Services.GetRequiredService<IKeapContactsClient>();

    public IKeapTagsClient Tags => Services.GetRequiredService<IKeapTagsClient>();

    public FakeLogCollector Logs => Services.GetFakeLogCollector();

    public IReadOnlyList<ILogEntry> Requests => Server.LogEntries.ToList();

    public static ApiHarness Start(Action<KeapServiceAccountOptions>? configure = null, FakeTimeProvider? time = null, Action<KeapServiceAccountBuilder>? builder = null)
    {
        var server = WireMockServer.Start(new WireMock.Settings.WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });
        var tokens = new FakeAccessTokenProvider();
        var services = new ServiceCollection();
        services.AddFakeLogging(o => o.CollectRecordsForDisabledLogLevels = true).AddLogging(b => b.SetMinimumLevel(LogLevel.Trace));
        if (time is not null)
        {
            services.AddSingleton<TimeProvider>(time);
        }

        var keap = services.AddKeapServiceAccount(o =>
        {
            // The token options are validated too (the token path is faked here, but its settings must be complete).
            o.ClientId = "client-id";
            o.ClientSecret = "client-secret";
            o.RedirectUri = new Uri("https://app.example/keap/callback");
            o.ApiBaseAddress = new Uri(server.Url + BasePath + "/");
            o.Api.Retry.BaseDelay = TimeSpan.FromMilliseconds(1);
            configure?.Invoke(o);
        });
        builder?.Invoke(keap);
        services.AddSingleton<IAccessTokenProvider>(tokens);
        return new ApiHarness(server, services.BuildServiceProvider(), tokens, time);
    }

    /// <summary>Moves the fake clock in steps until <paramref name="task"/> completes (timers may be created while it runs).</summary>
    public async Task<TimeSpan> DriveAsync(Task task, TimeSpan step)
    {
        var time = Time ?? throw new InvalidOperationException("No fake clock.");
        var start = time.GetUtcNow();
        await Eventually.TrueAsync(
            $"the call completes, moving the fake clock by {step} a step",
            () => task.IsCompleted,
            () =>
            {
                if (!task.IsCompleted)
                {
                    time.Advance(step);
                }
            },
            pause: TimeSpan.FromMilliseconds(5)).ConfigureAwait(false);
        await task.ConfigureAwait(false);
        return time.GetUtcNow() - start;
    }

    public static WireMock.ResponseBuilders.IResponseBuilder Json(string body, int status = 200) =>
        WireMock.ResponseBuilders.Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body);

    public string AllLogText() => string.Join('\n', Logs.GetSnapshot().Select(r => r.Message + " " + r.Exception));

    public void Dispose()
    {
        Services.Dispose();
        Server.Stop();
        Server.Dispose();
    }
}

internal sealed class FakeAccessTokenProvider : IAccessTokenProvider
{
    private int _refreshes;

    public string Current { get; set; } = "secret-access-token-1";

    public int Refreshes => _refreshes;

    public KeapAuthorizationException? Failure { get; set; }

    public ValueTask<string> GetAccessTokenAsync(CancellationToken cancellationToken) =>
        Failure is null ? ValueTask.FromResult(Current) : ValueTask.FromException<string>(Failure);

    public ValueTask<string> GetAccessTokenAfterRejectionAsync(string rejectedAccessToken, CancellationToken cancellationToken)
    {
        if (rejectedAccessToken == Current)
        {
            Interlocked.Increment(ref _refreshes);
            Current = "secret-access-token-" + (_refreshes + 1);
        }

        return ValueTask.FromResult(Current);
    }
}
