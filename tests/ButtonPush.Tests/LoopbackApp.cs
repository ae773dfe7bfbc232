using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;

namespace ButtonPush.Tests;

/// <summary>
/// The sample on Kestrel at a free 127.0.0.1 port, its public base URL set to that address: a browser can open it, and
/// the embedded sandbox can call its REST hook receiver over loopback, as Keap calls a deployed app.
/// </summary>
internal static class LoopbackApp
{
    public static ButtonPushApp Start(out string baseUrl, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configureServices = null)
    {
        var port = FreePort();
        baseUrl = $"http://127.0.0.1:{port}";
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>()) { ["ButtonPush:PublicBaseUrl"] = baseUrl };
        var app = new ButtonPushApp(settings: all, configureServices: configureServices);
        app.UseKestrel(port);
        app.StartServer();
        return app;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
