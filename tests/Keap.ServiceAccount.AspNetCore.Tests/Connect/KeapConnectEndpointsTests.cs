using System.Net;
using System.Text.RegularExpressions;
using Keap.ServiceAccount.Sandbox;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Keap.ServiceAccount.AspNetCore.Tests.Connect;

public sealed partial class KeapConnectEndpointsTests
{
    [Fact]
    public async Task Connect_redirects_to_Keaps_consent_page()
    {
        await using var keap = await KeapSandboxServer.StartAsync();
        await using var app = await StartAppAsync(keap, a => a.MapGroup("/admin/keap").MapKeapConnect());
        using var browser = Browser(app);

        using var connect = await browser.PostAsync(new Uri("/admin/keap/connect", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.Redirect, connect.StatusCode);
        var consent = connect.Headers.Location!;
        Assert.StartsWith(keap.AuthorizeEndpoint.AbsoluteUri + "?", consent.AbsoluteUri, StringComparison.Ordinal);
        Assert.Contains("state=", consent.Query, StringComparison.Ordinal);
        Assert.Contains("client_id=sandbox-client", consent.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Callback_completes_the_authorization_and_redirects_with_the_outcome()
    {
        await using var keap = await KeapSandboxServer.StartAsync();
        await using var app = await StartAppAsync(keap, a => a.MapGroup("/admin/keap").MapKeapConnect());
        using var browser = Browser(app);

        var callback = await ConsentAsync(browser, "allow");

        Assert.Equal("/admin?keap=Connected", callback.OriginalString);
        Assert.Equal(KeapConnectionState.Connected, (await app.Services.GetRequiredService<IKeapAuthorization>().GetStatusAsync()).State);
    }

    [Fact]
    public async Task Callback_returns_to_the_configured_path_with_a_denial_and_a_forged_state()
    {
        await using var keap = await KeapSandboxServer.StartAsync();
        await using var app = await StartAppAsync(keap, a => a.MapGroup("/settings/keap").MapKeapConnect(returnPath: "/settings?tab=keap"));
        using var browser = Browser(app);

        var denied = await ConsentAsync(browser, "deny", "/settings/keap");
        using var forged = await browser.GetAsync(new Uri("/settings/keap/callback?code=abc&state=forged", UriKind.Relative));

        Assert.Equal("/settings?tab=keap&keap=Denied", denied.OriginalString);
        Assert.Equal("/settings?tab=keap&keap=InvalidState", forged.Headers.Location!.OriginalString);
        Assert.NotEqual(KeapConnectionState.Connected, (await app.Services.GetRequiredService<IKeapAuthorization>().GetStatusAsync()).State);
    }

    [Theory]
    [InlineData("https://evil.example/admin")]
    [InlineData("//evil.example/admin")]
    [InlineData("/\\evil.example/admin")]
    [InlineData("admin")]
    [InlineData("")]
    [InlineData("/admin\r\nSet-Cookie: x=1")]
    public async Task Refuses_a_return_path_that_is_not_local_at_map_time(string returnPath)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        await using var app = builder.Build();

        var error = Assert.Throws<ArgumentException>(() => app.MapGroup("/admin/keap").MapKeapConnect(returnPath));

        Assert.Equal("returnPath", error.ParamName);
        Assert.Contains("must be a local path", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Connect, decide on the sandbox's consent page, follow Keap's redirect to the callback: the callback's redirect.</summary>
    internal static async Task<Uri> ConsentAsync(HttpClient browser, string decision, string group = "/admin/keap")
    {
        using var connect = await browser.PostAsync(new Uri(group + "/connect", UriKind.Relative), null);
        var consent = await browser.GetStringAsync(connect.Headers.Location);
        var form = HiddenInput().Matches(consent).ToDictionary(m => m.Groups[1].Value, m => WebUtility.HtmlDecode(m.Groups[2].Value));
        Assert.NotEmpty(form);
        form["decision"] = decision;
        using var decided = await browser.PostAsync(connect.Headers.Location, new FormUrlEncodedContent(form));
        // The sandbox redirects to Keap:RedirectUri (/admin/keap/callback); the app may map it elsewhere.
        var callbackQuery = decided.Headers.Location!.Query;
        using var callback = await browser.GetAsync(new Uri(group + "/callback" + callbackQuery, UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        return callback.Headers.Location!;
    }

    internal static async Task<WebApplication> StartAppAsync(KeapSandboxServer keap, Action<WebApplication> map, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddKeapServiceAccount(o =>
        {
            o.ClientId = "sandbox-client";
            o.ClientSecret = "sandbox-secret";
            o.RedirectUri = new Uri("http://127.0.0.1/admin/keap/callback");
            o.AuthorizeEndpoint = keap.AuthorizeEndpoint;
            o.TokenEndpoint = keap.TokenEndpoint;
            o.ApiBaseAddress = keap.ApiBaseAddress;
        });
        services?.Invoke(builder.Services);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return app;
    }

    internal static HttpClient Browser(WebApplication app) =>
        new(new HttpClientHandler { AllowAutoRedirect = false })
        {
            BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()),
        };

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">")]
    private static partial Regex HiddenInput();
}
