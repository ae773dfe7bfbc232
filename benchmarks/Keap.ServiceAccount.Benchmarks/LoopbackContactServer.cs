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
/// and the quota headers Keap sends on every response (plenty left, so nothing is paced), so the pipeline comparison
/// measures the client side, not a server doing work.
/// </summary>
internal sealed class LoopbackContactServer : IAsyncDisposable
{
    public const string ContactId = "42";
    public const string Email = "ada@example.com";

    private static readonly byte[] Body =
        """{"id":"42","given_name":"Ada","family_name":"Lovelace","email_addresses":[{"email":"ada@example.com","field":"EMAIL1"}]}"""u8.ToArray();

    private static readonly (string Name, string Value)[] QuotaHeaders =
    [
        ("x-keap-product-quota-limit", "150000"),
        ("x-keap-product-quota-time-unit", "day"),
        ("x-keap-product-quota-interval", "1"),
        ("x-keap-product-quota-available", "149000"),
        ("x-keap-product-quota-used", "1000"),
        ("x-keap-product-quota-expiry-time", "2099-01-01T00:00:00Z"),
        ("x-keap-product-throttle-limit", "1500"),
        ("x-keap-product-throttle-time-unit", "minute"),
        ("x-keap-product-throttle-interval", "1"),
        ("x-keap-product-throttle-available", "1400"),
        ("x-keap-product-throttle-used", "100"),
    ];

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
            foreach (var (name, value) in QuotaHeaders)
            {
                context.Response.Headers[name] = value;
            }

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
