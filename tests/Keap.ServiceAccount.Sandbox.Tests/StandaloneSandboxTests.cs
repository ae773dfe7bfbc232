using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Keap.ServiceAccount.Sandbox.Tests;

/// <summary>The standalone sandbox (<c>dotnet run --project src/Keap.ServiceAccount.Sandbox</c>), built as its program builds it.</summary>
public sealed partial class StandaloneSandboxTests
{
    [Fact]
    public async Task The_start_line_and_the_home_page_name_what_an_app_needs()
    {
        var logs = new CapturedLogs();
        await using var app = await StartAsync(logs);
        var root = Root(app);
        using var http = new HttpClient { BaseAddress = root };

        var home = await http.GetAsync("/");
        var page = await home.Content.ReadAsStringAsync();
        var started = Assert.Single(logs.Entries, e => e.Text.StartsWith("Keap sandbox ready", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        foreach (var (name, value) in new[]
        {
            ("AuthorizeEndpoint", $"{root}app/oauth/authorize"),
            ("TokenEndpoint", $"{root}token"),
            ("ApiBaseAddress", $"{root}crm/"),
            ("ClientId", "sandbox-client"),
            ("ClientSecret", "sandbox-secret"),
        })
        {
            Assert.Contains($"Keap:{name}={value}", started.Text, StringComparison.Ordinal);
            Assert.Contains($"<dt>Keap:{name}</dt><dd><code>{value}</code>", page, StringComparison.Ordinal);
        }

        Assert.Contains("Keap:RedirectUri=", started.Text, StringComparison.Ordinal);
        Assert.Contains("not a secret", started.Text, StringComparison.Ordinal);
        Assert.Contains("not a secret", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Custom_fields_and_tags_come_from_configuration()
    {
        await using var app = await StartAsync(
            new CapturedLogs(),
            "--KeapSandbox:ServiceAccountKeys:0=KeapAK-standalone",
            "--KeapSandbox:CustomFields:0:Label=Favorite Color",
            "--KeapSandbox:CustomFields:0:FieldType=DROPDOWN",
            "--KeapSandbox:CustomFields:0:Options:0=Blue",
            "--KeapSandbox:CustomFields:0:Options:1=Red",
            "--KeapSandbox:CustomFields:1:Label=Member Since",
            "--KeapSandbox:CustomFields:1:FieldType=DATE",
            "--KeapSandbox:Tags:0=buttonpushed");
        using var api = new HttpClient { BaseAddress = new Uri(Root(app), "crm/") };
        api.DefaultRequestHeaders.Add("X-Keap-API-Key", "KeapAK-standalone");

        var model = JsonNode.Parse(await api.GetStringAsync("rest/v2/contacts/model"))!;
        var tags = JsonNode.Parse(await api.GetStringAsync("rest/v2/tags"))!;

        var fields = model["custom_fields"]!.AsArray();
        Assert.Equal(["Favorite Color", "Member Since"], fields.Select(f => (string?)f!["label"]));
        Assert.Equal(["DROPDOWN", "DATE"], fields.Select(f => (string?)f!["field_type"]));
        Assert.Equal(["Blue", "Red"], fields[0]!["options"]!.AsArray().Select(o => (string?)o!["label"]));
        Assert.Equal("buttonpushed", (string?)tags["tags"]!.AsArray().Single()!["name"]);
    }

    [Fact]
    public async Task A_custom_field_of_a_type_Keap_does_not_have_stops_the_start_naming_its_key()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(
            new CapturedLogs(), "--KeapSandbox:CustomFields:0:Label=Colour", "--KeapSandbox:CustomFields:0:FieldType=COLOUR"));

        Assert.Contains("KeapSandbox:CustomFields:0:FieldType", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_logs_carry_no_request_lines_and_no_oauth_value()
    {
        const string Secret = "configured-secret-4c1e";
        const string State = "state-7f3a9d";
        var logs = new CapturedLogs();
        await using var app = await StartAsync(
            logs,
            "--KeapSandbox:Apps:0:ClientId=my-app",
            $"--KeapSandbox:Apps:0:ClientSecret={Secret}",
            "--KeapSandbox:Apps:0:AllowAnyRedirectUri=true");
        var root = Root(app);
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = root };

        // The whole connect flow: consent page, Allow, code exchange, refresh, an API call with the token.
        var page = await http.GetStringAsync($"app/oauth/authorize?client_id=my-app&redirect_uri={Uri.EscapeDataString("https://app.example/cb")}&response_type=code&scope=full&state={State}");
        var form = HiddenInput().Matches(page).ToDictionary(m => m.Groups[1].Value, m => WebUtility.HtmlDecode(m.Groups[2].Value));
        form["decision"] = "allow";
        var location = (await http.PostAsync("app/oauth/authorize", new FormUrlEncodedContent(form))).Headers.Location!;
        var code = Regex.Match(location.Query, "code=([^&]+)").Groups[1].Value;
        var grant = JsonNode.Parse(await (await http.PostAsync("token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = "https://app.example/cb",
            ["client_id"] = "my-app", ["client_secret"] = Secret,
        }))).Content.ReadAsStringAsync())!;
        var refreshed = JsonNode.Parse(await (await http.PostAsync("token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token", ["refresh_token"] = (string)grant["refresh_token"]!,
            ["client_id"] = "my-app", ["client_secret"] = Secret,
        }))).Content.ReadAsStringAsync())!;
        using var call = new HttpRequestMessage(HttpMethod.Get, $"crm/rest/v2/contacts?filter={Uri.EscapeDataString("email==x@example.com")}");
        call.Headers.Authorization = new AuthenticationHeaderValue("Bearer", (string)refreshed["access_token"]!);
        var listed = await http.SendAsync(call);

        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        var text = logs.AllText;
        foreach (var value in new[] { State, code, Secret, (string)grant["access_token"]!, (string)grant["refresh_token"]!, (string)refreshed["access_token"]! })
        {
            Assert.DoesNotContain(value, text, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(logs.Entries, e => e.Category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) && e.Level <= LogLevel.Information);
        Assert.Contains("Keap sandbox ready", text, StringComparison.Ordinal);
    }

    private static async Task<WebApplication> StartAsync(CapturedLogs logs, params string[] settings)
    {
        var app = Program.Build(
            ["--urls", "http://127.0.0.1:0", .. settings],
            builder =>
            {
                builder.Logging.ClearProviders();
                builder.Logging.AddProvider(logs);
            });
        try
        {
            await app.StartAsync();
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    private static Uri Root(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/");

    [GeneratedRegex("<input type=\"hidden\" name=\"([a-z_]+)\" value=\"([^\"]*)\">")]
    private static partial Regex HiddenInput();
}
