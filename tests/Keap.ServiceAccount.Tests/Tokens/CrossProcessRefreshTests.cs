using Keap.ServiceAccount.Tests.Infrastructure;
using Keap.ServiceAccount.Tokens.Stores;

namespace Keap.ServiceAccount.Tests.Tokens;

/// <summary>Two real OS processes share one file store: each rotation spends the refresh token exactly once.</summary>
public sealed class CrossProcessRefreshTests : IDisposable
{
    private readonly FakeTokenEndpoint _endpoint = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("keap-cross-process-").FullName;

    public void Dispose()
    {
        _endpoint.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Two_processes_sharing_a_file_store_refresh_once_per_rotation()
    {
        var path = Path.Combine(_directory, "token.json");
        var store = new FileTokenStore(path, protector: null, TimeProvider.System);
        await using var one = await StartWorkerAsync(path);
        await using var two = await StartWorkerAsync(path);

        // First rotation: both find the stored token expired.
        var now = TimeProvider.System.GetUtcNow();
        await store.TrySaveAsync(new KeapToken("expired", _endpoint.Issue().RefreshToken, now.AddMinutes(-1), now, FakeTokenEndpoint.Scope), StoredToken.NoVersion);
        var first = await Task.WhenAll(one.GetAsync(25), two.GetAsync(25));
        AssertAllGot(first, (await store.GetAsync())!.Token.AccessToken);
        Assert.Equal(1, _endpoint.RefreshCalls);

        // Later rotations: Keap rejects the current token in both processes at once (as with a 401).
        for (var rotation = 2; rotation <= 4; rotation++)
        {
            var rejected = (await store.GetAsync())!.Token.AccessToken;
            var results = await Task.WhenAll(one.RejectAsync(25, rejected), two.RejectAsync(25, rejected));

            Assert.Equal(rotation, _endpoint.RefreshCalls);
            AssertAllGot(results, (await store.GetAsync())!.Token.AccessToken);
        }

        Assert.Empty(_endpoint.SpentRefreshTokensSent);
    }

    private Task<TestWorkerProcess> StartWorkerAsync(string path) =>
        TestWorkerProcess.StartAsync("--store", "file", "--path", path, "--token-endpoint", _endpoint.TokenUri.AbsoluteUri);

    private static void AssertAllGot(List<string>[] results, string token)
    {
        Assert.All(results, r => Assert.Equal(25, r.Count));
        Assert.All(results.SelectMany(r => r), line => Assert.Equal($"token {token}", line));
    }
}
