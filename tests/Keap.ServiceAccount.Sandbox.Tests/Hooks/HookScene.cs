using System.Text.Json.Nodes;

namespace Keap.ServiceAccount.Sandbox.Tests.Hooks;

/// <summary>
/// What a delivery test stands on: the sandbox on a fake clock, a loopback receiver, an API client and a watcher of the
/// sandbox's delivery attempts, disposed in the reverse order.
/// </summary>
internal sealed class HookScene : IAsyncDisposable
{
    private HookScene(SandboxTestHost host, HookReceiver receiver)
    {
        Host = host;
        Receiver = receiver;
        Api = host.Api();
        Attempts = new AttemptWatcher(host.Server.Hooks);
    }

    public SandboxTestHost Host { get; }

    public HookReceiver Receiver { get; }

    public HttpClient Api { get; }

    public AttemptWatcher Attempts { get; }

    public void Deconstruct(out SandboxTestHost host, out HookReceiver receiver, out HttpClient api, out AttemptWatcher attempts) =>
        (host, receiver, api, attempts) = (Host, Receiver, Api, Attempts);

    public static async Task<HookScene> StartAsync(Action<KeapSandboxOptions>? configure = null)
    {
        var host = await SandboxTestHost.StartAsync(configure);
        try
        {
            return new HookScene(host, await HookReceiver.StartAsync());
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>Subscribes <paramref name="eventKey"/> to the receiver at <paramref name="path"/> and takes the verification handshake.</summary>
    /// <returns>The subscription as the sandbox answered it.</returns>
    public async Task<JsonObject> SubscribeAsync(string eventKey, string? path = null)
    {
        var hook = await HookSubscriptionTests.SubscribeAsync(Api, eventKey, path is null ? Receiver.Url() : Receiver.Url(path));
        await Receiver.NextAsync();
        return hook;
    }

    public async ValueTask DisposeAsync()
    {
        Attempts.Dispose();
        Api.Dispose();
        await Receiver.DisposeAsync();
        await Host.DisposeAsync();
    }
}
