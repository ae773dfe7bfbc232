using System.Net;
using Keap.ServiceAccount.Sandbox.OAuth;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Keap.ServiceAccount.Sandbox;

/// <summary>
/// The sandbox as a real HTTP server on a free 127.0.0.1 port, for tests and tools.
/// </summary>
public sealed class KeapSandboxServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private KeapSandboxServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
        State = app.Services.GetRequiredService<KeapSandboxState>();
        Faults = app.Services.GetRequiredService<KeapSandboxFaults>();
        Hooks = app.Services.GetRequiredService<KeapSandboxHooks>();
    }

    /// <summary>The server root, ending with <c>/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The consent page, <c>{BaseAddress}app/oauth/authorize</c>.</summary>
    public Uri AuthorizeEndpoint => new(BaseAddress, "app/oauth/authorize");

    /// <summary>The token endpoint, <c>{BaseAddress}token</c>.</summary>
    public Uri TokenEndpoint => new(BaseAddress, "token");

    /// <summary>The API base, <c>{BaseAddress}crm/</c>: <c>rest/v2/contacts</c> resolves under it, as under Keap's.</summary>
    public Uri ApiBaseAddress => new(BaseAddress, "crm/");

    /// <summary>The sandbox's data and counters.</summary>
    public KeapSandboxState State { get; }

    /// <summary>Faults queued for the next requests.</summary>
    public KeapSandboxFaults Faults { get; }

    /// <summary>The REST hook subscriptions and the delivery attempts made to them.</summary>
    public KeapSandboxHooks Hooks { get; }

    /// <summary>Starts a sandbox on 127.0.0.1 with a free port.</summary>
    /// <param name="configure">Adjusts the <see cref="KeapSandboxOptions"/>.</param>
    /// <param name="timeProvider">The sandbox clock (a fake one in tests); the system clock by default.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running server; dispose it to stop.</returns>
    public static async Task<KeapSandboxServer> StartAsync(
        Action<KeapSandboxOptions>? configure = null, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        // A hanging (timeout fault) request must not hold disposal for long.
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.Services.AddSingleton(timeProvider ?? TimeProvider.System);
        builder.Services.AddKeapSandbox(configure);
        var app = builder.Build();
        app.MapKeapSandbox();
        SandboxHome.Map(app);
        NotServedEndpoints.MapEverywhere(app);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new KeapSandboxServer(app, new Uri(address.TrimEnd('/') + "/"));
    }

    /// <summary>Mints a token for a registered client without the consent page, e.g. to seed a token store.</summary>
    /// <param name="clientId">A registered client id.</param>
    /// <returns>The grant, as <c>/token</c> would return it.</returns>
    public KeapSandboxTokenGrant IssueToken(string clientId)
    {
        var tokens = _app.Services.GetRequiredService<SandboxTokens>();
        if (tokens.FindClient(clientId) is null)
        {
            throw new ArgumentException("The client is not registered with the sandbox.", nameof(clientId));
        }

        var grant = tokens.Grant(clientId);
        _app.Services.GetRequiredService<SandboxStateFile>().Save();
        return grant;
    }

    /// <summary>Stops the server.</summary>
    /// <returns>A task that completes when the server has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
