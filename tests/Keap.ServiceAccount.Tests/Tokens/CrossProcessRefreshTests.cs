using System.Diagnostics;
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
        await using var one = await Worker.StartAsync(path, _endpoint.TokenUri);
        await using var two = await Worker.StartAsync(path, _endpoint.TokenUri);

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

    private static void AssertAllGot(List<string>[] results, string token)
    {
        Assert.All(results, r => Assert.Equal(25, r.Count));
        Assert.All(results.SelectMany(r => r), line => Assert.Equal($"token {token}", line));
    }

    private sealed class Worker : IAsyncDisposable
    {
        private readonly Process _process;

        private Worker(Process process) => _process = process;

        public static async Task<Worker> StartAsync(string path, Uri tokenEndpoint)
        {
            var info = new ProcessStartInfo("dotnet")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[] { WorkerDll(), "--store", "file", "--path", path, "--token-endpoint", tokenEndpoint.AbsoluteUri })
            {
                info.ArgumentList.Add(argument);
            }

            var worker = new Worker(Process.Start(info)!);
            Assert.Equal("ready", await worker.ReadLineAsync());
            return worker;
        }

        public Task<List<string>> GetAsync(int count) => RunAsync($"get {count}");

        public Task<List<string>> RejectAsync(int count, string rejected) => RunAsync($"reject {count} {rejected}");

        private async Task<List<string>> RunAsync(string command)
        {
            await _process.StandardInput.WriteLineAsync(command);
            await _process.StandardInput.FlushAsync();
            var lines = new List<string>();
            while (await ReadLineAsync() is var line && line != "done")
            {
                lines.Add(line);
            }

            return lines;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                await _process.StandardInput.WriteLineAsync("exit");
                await _process.StandardInput.FlushAsync();
                using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await _process.WaitForExitAsync(exit.Token);
            }

            _process.Dispose();
        }

        private async Task<string> ReadLineAsync()
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            return await _process.StandardOutput.ReadLineAsync(limit.Token) ?? throw new InvalidOperationException("The worker process exited.");
        }

        // The worker is built next to this project (bin/<Configuration>/<TargetFramework>), not copied into its output.
        private static string WorkerDll()
        {
            var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var framework = output.Name;
            var configuration = output.Parent!.Name;
            var tests = output.Parent.Parent!.Parent!.Parent!.FullName;
            var dll = Path.Combine(tests, "Keap.ServiceAccount.TestWorker", "bin", configuration, framework, "Keap.ServiceAccount.TestWorker.dll");
            Assert.True(File.Exists(dll), $"Build the solution first: {dll} is missing.");
            return dll;
        }
    }
}
