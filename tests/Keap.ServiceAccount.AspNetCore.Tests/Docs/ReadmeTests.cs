using System.Net;
using System.Reflection;
using Keap.ServiceAccount.AspNetCore.Tests.Connect;
using Keap.ServiceAccount.AspNetCore.Tests.Hooks;
using Keap.ServiceAccount.Sandbox;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using MyApp;

namespace Keap.ServiceAccount.AspNetCore.Tests.Docs;

/// <summary>The README's Connect line and hook handler are the code these tests run.</summary>
public sealed class ReadmeTests
{
    private const string ConnectLine = """app.MapGroup("/admin/keap").RequireAuthorization("Admin").MapKeapConnect();""";

    [Fact]
    public void The_README_shows_the_compiled_hook_handler_as_written()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Keap.ServiceAccount.AspNetCore.Tests.Docs.Snippets.KeapHookInbox.cs")!;
        var snippet = Normalize(new StreamReader(stream).ReadToEnd());

        Assert.Contains("```csharp\n" + snippet + "```", Readme(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_README_hook_handler_stores_a_change_once_however_often_Keap_delivers_it()
    {
        var inbox = new MemoryInbox();
        await using var host = await ReceiverHost.StartAsync();
        host.Handler.Behavior = (delivery, cancellationToken) => new KeapHookInbox(inbox).HandleAsync(delivery, cancellationToken);

        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var response = await Deliveries.PostAsync(host.Client, Deliveries.ContactDelete);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(["contact.delete:17:2026-12-06T08:59:30.0000000Z", "contact.delete:18:2026-12-06T08:59:31.0000000Z"], inbox.Keys);
    }

    [Fact]
    public async Task The_README_connect_line_connects_an_app_to_Keap()
    {
        Assert.Contains(ConnectLine + "\n```", Readme(), StringComparison.Ordinal);
        await using var keap = await KeapSandboxServer.StartAsync();
        await using var app = await KeapConnectEndpointsTests.StartAppAsync(
            keap,
            app => app.MapGroup("/admin/keap").RequireAuthorization("Admin").MapKeapConnect(),
            services => services.AddAuthorization(o => o.AddPolicy("Admin", p => p.RequireAssertion(_ => true))));
        using var browser = KeapConnectEndpointsTests.Browser(app);

        var callback = await KeapConnectEndpointsTests.ConsentAsync(browser, "allow");

        Assert.Equal("/admin?keap=Connected", callback.OriginalString);
        Assert.Equal(KeapConnectionState.Connected, (await app.Services.GetRequiredService<IKeapAuthorization>().GetStatusAsync()).State);
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);

    private static string Readme()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Keap.ServiceAccount.sln")))
            {
                return Normalize(File.ReadAllText(Path.Combine(folder.FullName, "README.md")));
            }
        }

        throw new InvalidOperationException("No repository root above the test output.");
    }

    private sealed class MemoryInbox : IKeapChangeInbox
    {
        private readonly List<string> _keys = [];

        public IReadOnlyList<string> Keys => _keys;

        public Task AddIfNewAsync(string deliveryKey, KeapHookEventKey eventKey, string objectId, CancellationToken cancellationToken)
        {
            if (!_keys.Contains(deliveryKey))
            {
                _keys.Add(deliveryKey);
            }

            return Task.CompletedTask;
        }
    }
}
