using Keap.ServiceAccount.Sandbox;
using Microsoft.Extensions.DependencyInjection;

namespace Keap.ServiceAccount.Benchmarks;

/// <summary>A running sandbox and the package registered against it, connected (a token from the sandbox stored).</summary>
internal sealed class SandboxedKeap : IAsyncDisposable
{
    private SandboxedKeap(KeapSandboxServer sandbox, ServiceProvider services)
    {
        Sandbox = sandbox;
        Services = services;
    }

    public KeapSandboxServer Sandbox { get; }

    public ServiceProvider Services { get; }

    public static async Task<SandboxedKeap> StartAsync(TimeProvider? time = null, Action<KeapServiceAccountOptions>? configure = null)
    {
        var sandbox = await KeapSandboxServer.StartAsync();
        var services = KeapServices.ForSandbox(sandbox, time, configure);
        await KeapServices.SeedFromSandboxAsync(services, sandbox);
        return new SandboxedKeap(sandbox, services);
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await Sandbox.DisposeAsync();
    }
}
