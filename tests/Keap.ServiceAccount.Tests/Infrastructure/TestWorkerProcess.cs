using System.Diagnostics;

namespace Keap.ServiceAccount.Tests.Infrastructure;

/// <summary>A Keap.ServiceAccount.TestWorker OS process: one token manager over a shared store, driven through stdin.</summary>
public sealed class TestWorkerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private TestWorkerProcess(Process process) => _process = process;

    public static async Task<TestWorkerProcess> StartAsync(params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(WorkerDll());
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var worker = new TestWorkerProcess(Process.Start(info)!);
        Assert.Equal("ready", await worker.ReadLineAsync());
        return worker;
    }

    public Task<List<string>> GetAsync(int count) => RunAsync($"get {count}");

    public Task<List<string>> RejectAsync(int count, string rejected) => RunAsync($"reject {count} {rejected}");

    /// <summary>The worker's connection status as "State LastError".</summary>
    public async Task<string> StatusAsync()
    {
        await SendAsync("status");
        var line = await ReadLineAsync();
        Assert.StartsWith("status ", line, StringComparison.Ordinal);
        return line["status ".Length..];
    }

    /// <summary>Takes the store's refresh lease and keeps it.</summary>
    public async Task HoldLeaseAsync()
    {
        await SendAsync("hold-lease");
        Assert.Equal("leased", await ReadLineAsync());
    }

    /// <summary>Ends the process at once (SIGKILL on Unix): nothing is released or flushed.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await SendAsync("exit");
            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _process.WaitForExitAsync(exit.Token);
        }

        _process.Dispose();
    }

    private async Task<List<string>> RunAsync(string command)
    {
        await SendAsync(command);
        var lines = new List<string>();
        while (await ReadLineAsync() is var line && line != "done")
        {
            lines.Add(line);
        }

        return lines;
    }

    private async Task SendAsync(string command)
    {
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
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
