using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Keap.ServiceAccount.Benchmarks;

/// <summary>
/// A minimal Kestrel server on 127.0.0.1 answering <c>GET /crm/rest/v2/contacts/{id}</c> with one fixed contact,
/// so the pipeline comparison measures the client side, not a server doing work.
/// </summary>
internal sealed class LoopbackContactServer : IAsyncDisposable
{
    public const string ContactId = "42";
    public const string Email = "ada@example.com";

    private static readonly byte[] Body =
        """{"id":"42","given_name":"Ada","family_name":"Lovelace","email_addresses":[{"email":"ada@example.com","field":"EMAIL1"}]}"""u8.ToArray();

    private readonly WebApplication _app;

    private LoopbackContactServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public Uri ApiBaseAddress => new(BaseAddress, "crm/");

    public static async Task<LoopbackContactServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapGet("/crm/rest/v2/contacts/{id}", context =>
        {
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = Body.Length;
            return context.Response.Body.WriteAsync(Body).AsTask();
        });
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new LoopbackContactServer(app, new Uri(address.TrimEnd('/') + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
