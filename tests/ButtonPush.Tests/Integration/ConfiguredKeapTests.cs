using System.Net;
using Keap.ServiceAccount.Sandbox;
using Microsoft.AspNetCore.WebUtilities;

namespace ButtonPush.Tests.Integration;

/// <summary>With Keap credentials configured the app hosts no sandbox and talks to the configured endpoints.</summary>
public sealed class ConfiguredKeapTests
{
    [Fact]
    public async Task With_a_client_id_configured_the_app_uses_the_configured_Keap_and_hosts_no_sandbox()
    {
        // A stand-in for Keap on its own loopback port, with its default client.
        await using var keap = await KeapSandboxServer.StartAsync();
        await using var app = new ButtonPushApp(settings: new Dictionary<string, string?>
        {
            ["Keap:ClientId"] = "sandbox-client",
            ["Keap:ClientSecret"] = "sandbox-secret",
            ["Keap:AuthorizeEndpoint"] = keap.AuthorizeEndpoint.AbsoluteUri,
            ["Keap:TokenEndpoint"] = keap.TokenEndpoint.AbsoluteUri,
            ["Keap:ApiBaseAddress"] = keap.ApiBaseAddress.AbsoluteUri,
            ["Keap:Hooks:ReceiverUrl"] = "http://127.0.0.1:5080/keap/hooks",
        });
        using var admin = AppClient.Create(app, followRedirects: false);
        await admin.SignUpAsync(ButtonPushApp.AdminEmail);

        using (var embedded = await admin.Http.GetAsync(new Uri("/keap-sandbox/app/oauth/authorize", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NotFound, embedded.StatusCode);
        }

        using var connect = await admin.PostFormAsync("/admin", "/admin?handler=Connect");
        var authorize = connect.Headers.Location!;
        Assert.StartsWith(keap.AuthorizeEndpoint.AbsoluteUri, authorize.AbsoluteUri, StringComparison.Ordinal);
        Assert.Equal(new Uri(app.PublicBaseUrl, "admin/keap/callback").AbsoluteUri, QueryHelpers.ParseQuery(authorize.Query)["redirect_uri"].ToString());

        // The admin's browser answers Keap's consent page, then comes back to the app with the code.
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var consent = await browser.GetStringAsync(authorize);
        var form = System.Text.RegularExpressions.Regex.Matches(consent, "<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">")
            .ToDictionary(m => m.Groups[1].Value, m => WebUtility.HtmlDecode(m.Groups[2].Value));
        form["decision"] = "allow";
        using var decision = await browser.PostAsync(authorize, new FormUrlEncodedContent(form));
        using var callback = await admin.Http.GetAsync(new Uri(decision.Headers.Location!.PathAndQuery, UriKind.Relative));
        Assert.Equal("/admin", callback.Headers.Location!.OriginalString);

        Assert.Contains("Connected to Keap", await admin.GetPageAsync("/admin"), StringComparison.Ordinal);
        Assert.Equal(1, keap.State.AuthorizationCodeExchanges);
        await Eventually.TrueAsync("the admin's contact reaches the configured Keap", () => keap.State.Contacts.Count == 1);
    }
}
