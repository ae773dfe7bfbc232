using Keap.ServiceAccount.Tests.Infrastructure;
using Keap.ServiceAccount.Tokens.Stores;

namespace Keap.ServiceAccount.Tests.Tokens.Farm;

/// <summary>
/// Three OS processes share one file store; the lease holder dies after Keap rotated its refresh token and before the
/// reply arrived. Keap refuses the stored refresh token from then on: it must be presented once, by one survivor.
/// </summary>
public sealed class RefusedRefreshTokenFarmTests : IDisposable
{
    private readonly FakeTokenEndpoint _endpoint = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("keap-refused-farm-").FullName;

    public void Dispose()
    {
        _endpoint.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task No_survivor_and_no_restart_presents_the_refused_refresh_token_again_and_all_report_the_same_refusal()
    {
        var path = Path.Combine(_directory, "token.json");
        var store = new FileTokenStore(path, protector: null, TimeProvider.System);
        var now = TimeProvider.System.GetUtcNow();
        await store.TrySaveAsync(new KeapToken("expired", _endpoint.Issue().RefreshToken, now.AddMinutes(-1), now.AddDays(-1), FakeTokenEndpoint.Scope), StoredToken.NoVersion);
        var onTheWire = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var replyLost = new ManualResetEventSlim();
        _endpoint.Enqueue(_ =>
        {
            // Keap rotates the refresh token; the reply never reaches the process that asked.
            _endpoint.Issue();
            onTheWire.TrySetResult();
            replyLost.Wait(TimeSpan.FromSeconds(30));
            return FakeTokenEndpoint.Reply(504, "<html>Gateway Timeout</html>", "text/html");
        });

        await using var doomed = await StartWorkerAsync(path);
        await using var b = await StartWorkerAsync(path);
        await using var c = await StartWorkerAsync(path);
        var doomedCall = doomed.GetAsync(1);
        await onTheWire.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await doomed.KillAsync();
        replyLost.Set();
        await Assert.ThrowsAsync<InvalidOperationException>(() => doomedCall);

        // Both survivors wait out the dead holder's lease; one presents the refresh token, Keap refuses it.
        var survivors = await Task.WhenAll(b.GetAsync(1), c.GetAsync(1));
        await using var restarted = await StartWorkerAsync(path);
        var afterRestart = await restarted.GetAsync(1);

        Assert.All(survivors.SelectMany(r => r).Concat(afterRestart), line => Assert.Equal("error NeedsReauthorization", line));
        Assert.Single(_endpoint.SpentRefreshTokensSent);
        Assert.Equal(2, _endpoint.RefreshCalls);
        var statuses = new[] { await b.StatusAsync(), await c.StatusAsync(), await restarted.StatusAsync() };
        Assert.All(statuses, s => Assert.Equal(statuses[0], s));
        Assert.StartsWith("NeedsReauthorization Keap refused the stored refresh token", statuses[0], StringComparison.Ordinal);

        // An administrator connects again (on any instance): the newer token clears the refusal everywhere.
        var refused = (await store.GetAsync())!;
        Assert.NotNull(refused.Refusal);
        var (access, refresh) = _endpoint.Issue();
        await store.TrySaveAsync(new KeapToken(access, refresh, TimeProvider.System.GetUtcNow().AddDays(1), TimeProvider.System.GetUtcNow(), FakeTokenEndpoint.Scope), refused.Version);
        Assert.Equal([$"token {access}"], await restarted.GetAsync(1));
        Assert.StartsWith("Connected", await c.StatusAsync(), StringComparison.Ordinal);
        Assert.Single(_endpoint.SpentRefreshTokensSent);
    }

    private Task<TestWorkerProcess> StartWorkerAsync(string path) =>
        TestWorkerProcess.StartAsync("--store", "file", "--path", path, "--token-endpoint", _endpoint.TokenUri.AbsoluteUri, "--lease-seconds", "8");
}
