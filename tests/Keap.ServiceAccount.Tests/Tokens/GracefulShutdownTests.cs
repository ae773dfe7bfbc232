using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Keap.ServiceAccount.Tests.Tokens;

/// <summary>A rolling deploy stops the host while a refresh token is on the wire: the restarted app must not be locked out.</summary>
public sealed class GracefulShutdownTests : IDisposable
{
    private readonly FakeTokenEndpoint _endpoint = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("keap-shutdown-").FullName;

    public void Dispose()
    {
        _endpoint.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Stopping_the_host_while_Keap_answers_a_refresh_waits_for_the_answer_and_the_save()
    {
        var path = Path.Combine(_directory, "token.json");
        using var answer = new ManualResetEventSlim();
        var onTheWire = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Keap receives the refresh, rotates the refresh token, and answers only once the test lets it.
        _endpoint.Enqueue(_ =>
        {
            onTheWire.TrySetResult();
            answer.Wait(TimeSpan.FromSeconds(30));
            return null;
        });

        var first = BuildHost(path);
        await first.StartAsync();
        await SeedAsync(first);
        _ = first.Services.GetRequiredService<IKeapAuthorization>().RefreshNowAsync();
        await onTheWire.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // Keap answers only once the stop is seen waiting for it; the process ends as soon as StopAsync returns.
        var stopping = first.StopAsync();
        var logs = first.Services.GetFakeLogCollector();
        await Eventually.TrueAsync("the stop waits for the refresh on the wire", () => logs.GetSnapshot().Any(r => r.Id.Name == "StopWaitsForRefresh"));
        Assert.False(stopping.IsCompleted);
        answer.Set();
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));
        first.Dispose();

        using var second = BuildHost(path);
        await second.StartAsync();
        var authorization = second.Services.GetRequiredService<IKeapAuthorization>();
        var status = await authorization.RefreshNowAsync();

        Assert.Equal(KeapConnectionState.Connected, status.State);
        Assert.Null(status.LastError);
        Assert.Equal(2, _endpoint.RefreshCalls);
        Assert.Empty(_endpoint.SpentRefreshTokensSent);
        await second.StopAsync();
    }

    private IHost BuildHost(string path)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.AddFakeLogging();
        builder.Services.AddKeapServiceAccount(o =>
        {
            o.ClientId = FakeTokenEndpoint.ClientId;
            o.ClientSecret = FakeTokenEndpoint.ClientSecret;
            o.RedirectUri = new Uri("https://app.example/keap/callback");
            o.TokenEndpoint = _endpoint.TokenUri;
        }).UseFileTokenStore(path);
        return builder.Build();
    }

    private async Task SeedAsync(IHost host)
    {
        var store = host.Services.GetRequiredService<ITokenStore>();
        var (access, refresh) = _endpoint.Issue();
        var now = TimeProvider.System.GetUtcNow();
        await store.TrySaveAsync(new KeapToken(access, refresh, now.AddHours(20), now.AddHours(-4), FakeTokenEndpoint.Scope), StoredToken.NoVersion);
    }
}
