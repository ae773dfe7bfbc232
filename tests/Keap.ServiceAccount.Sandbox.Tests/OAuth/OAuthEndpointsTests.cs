using System.Net;
using System.Text.RegularExpressions;
using static Keap.ServiceAccount.Sandbox.Tests.SandboxTestHost;

namespace Keap.ServiceAccount.Sandbox.Tests.OAuth;

public sealed partial class OAuthEndpointsTests
{
    [Fact]
    public async Task Allowing_consent_redirects_with_a_code_that_exchanges_once_for_tokens()
    {
        await using var host = await StartAsync();

        var location = await ConsentAsync(host, "allow", "xyz");
        Assert.StartsWith(RedirectUri + "?code=", location.ToString(), StringComparison.Ordinal);
        Assert.Contains("state=xyz", location.Query, StringComparison.Ordinal);
        var code = Query(location, "code");

        var first = await host.Http.PostAsync(host.Server.TokenEndpoint, CodeForm(code, RedirectUri));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var token = await JsonAsync(first);
        Assert.Equal("bearer", (string?)token["token_type"]);
        Assert.Equal(86400, (int)token["expires_in"]!);
        Assert.Equal("full|sandbox.infusionsoft.com", (string?)token["scope"]);
        Assert.False(string.IsNullOrEmpty((string?)token["refresh_token"]));

        var second = await host.Http.PostAsync(host.Server.TokenEndpoint, CodeForm(code, RedirectUri));
        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
        Assert.Equal("invalid_grant", (string?)(await JsonAsync(second))["error"]);
        Assert.Equal(1, host.Server.State.AuthorizationCodeExchanges);
        Assert.Equal(2, host.Server.State.TokenRequests);
    }

    [Fact]
    public async Task Denying_consent_redirects_with_access_denied_as_Keap_words_it()
    {
        await using var host = await StartAsync();

        var location = await ConsentAsync(host, "deny", "s1");

        Assert.Equal(
            RedirectUri + "?error=access_denied&error_description=User+denied+access+to+resource&state=s1",
            location.ToString());
    }

    [Fact]
    public async Task The_consent_page_names_the_account_in_words_not_the_raw_scope()
    {
        await using var host = await StartAsync();

        var page = await host.Http.GetStringAsync(AuthorizeUrl(host, ClientId, RedirectUri, "s"));

        Assert.Contains("wants full access to the Keap account sandbox.infusionsoft.com.", page, StringComparison.Ordinal);
        Assert.DoesNotContain("full|", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_consent_page_is_styled_for_reading_and_large_buttons_not_browser_defaults()
    {
        await using var host = await StartAsync();

        var page = await host.Http.GetStringAsync(AuthorizeUrl(host, ClientId, RedirectUri, "s"));

        Assert.Contains("<meta name=\"viewport\"", page, StringComparison.Ordinal);
        Assert.Contains("font-family: system-ui, sans-serif", page, StringComparison.Ordinal);
        Assert.Matches("button \\{[^}]*padding: [^}]*font-size: ", page);
        Assert.Contains("id=\"allow\" class=\"primary\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_consent_form_cannot_be_posted_twice()
    {
        await using var host = await StartAsync();
        var page = await host.Http.GetStringAsync(AuthorizeUrl(host, ClientId, RedirectUri, "s"));
        var form = ConsentForm(page, "allow");

        Assert.Equal(HttpStatusCode.Redirect, (await host.Http.PostAsync(host.Server.AuthorizeEndpoint, new FormUrlEncodedContent(form))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Http.PostAsync(host.Server.AuthorizeEndpoint, new FormUrlEncodedContent(form))).StatusCode);
    }

    [Theory]
    [InlineData("unknown-client", RedirectUri)]
    [InlineData(ClientId, "https://evil.example/callback")]
    public async Task The_consent_page_refuses_an_unknown_client_or_redirect_uri(string clientId, string redirectUri)
    {
        await using var host = await StartAsync();

        var response = await host.Http.GetAsync(AuthorizeUrl(host, clientId, redirectUri, "s"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("nonce", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_code_is_refused_for_another_redirect_uri()
    {
        await using var host = await StartAsync();
        var code = Query(await ConsentAsync(host, "allow", "s"), "code");

        var response = await host.Http.PostAsync(host.Server.TokenEndpoint, CodeForm(code, "https://app.example/other"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(1, host.Server.State.InvalidGrants);
    }

    [Fact]
    public async Task A_refresh_token_is_single_use()
    {
        await using var host = await StartAsync();
        var grant = host.Server.IssueToken(ClientId);

        var first = await host.RefreshAsync(grant.RefreshToken);
        var second = await host.RefreshAsync(grant.RefreshToken);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.NotEqual(grant.RefreshToken, (string?)(await JsonAsync(first))["refresh_token"]);
        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
        var error = await JsonAsync(second);
        Assert.Equal("invalid_grant", (string?)error["error"]);
        Assert.Equal("Invalid refresh token", (string?)error["error_description"]);
        Assert.Equal(1, host.Server.State.Refreshes);
        Assert.Equal(1, host.Server.State.InvalidGrants);
    }

    [Fact]
    public async Task Only_one_of_many_concurrent_refreshes_with_the_same_token_wins()
    {
        await using var host = await StartAsync();
        var grant = host.Server.IssueToken(ClientId);

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => host.RefreshAsync(grant.RefreshToken)));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal(19, host.Server.State.InvalidGrants);
    }

    [Fact]
    public async Task Wrong_client_credentials_get_invalid_client()
    {
        await using var host = await StartAsync();
        var grant = host.Server.IssueToken(ClientId);

        var response = await host.RefreshAsync(grant.RefreshToken, "wrong-secret");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_client", (string?)(await JsonAsync(response))["error"]);
        Assert.Equal(HttpStatusCode.OK, (await host.RefreshAsync(grant.RefreshToken)).StatusCode);
    }

    [Fact]
    public async Task Access_tokens_expire_on_the_sandbox_clock()
    {
        await using var host = await StartAsync(o => o.AccessTokenLifetime = TimeSpan.FromHours(1));
        using var api = host.Api();

        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("rest/v2/contacts")).StatusCode);
        host.Clock.Advance(TimeSpan.FromHours(1));
        var expired = await api.GetAsync("rest/v2/contacts");

        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Equal(401, (int)(await JsonAsync(expired))["code"]!);
    }

    [Fact]
    public async Task Refresh_tokens_expire_after_their_lifetime()
    {
        await using var host = await StartAsync();
        var grant = host.Server.IssueToken(ClientId);

        host.Clock.Advance(TimeSpan.FromDays(45));

        Assert.Equal(HttpStatusCode.BadRequest, (await host.RefreshAsync(grant.RefreshToken)).StatusCode);
    }

    [Fact]
    public async Task A_token_grant_does_not_print_its_secrets()
    {
        await using var host = await StartAsync();
        var grant = host.Server.IssueToken(ClientId);

        var text = grant.ToString();

        Assert.DoesNotContain(grant.AccessToken, text, StringComparison.Ordinal);
        Assert.DoesNotContain(grant.RefreshToken, text, StringComparison.Ordinal);
    }

    private static string AuthorizeUrl(SandboxTestHost host, string clientId, string redirectUri, string state) =>
        $"{host.Server.AuthorizeEndpoint}?client_id={Uri.EscapeDataString(clientId)}&redirect_uri={Uri.EscapeDataString(redirectUri)}&response_type=code&scope=full&state={state}";

    private static async Task<Uri> ConsentAsync(SandboxTestHost host, string decision, string state)
    {
        var page = await host.Http.GetStringAsync(AuthorizeUrl(host, ClientId, RedirectUri, state));
        var response = await host.Http.PostAsync(host.Server.AuthorizeEndpoint, new FormUrlEncodedContent(ConsentForm(page, decision)));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response.Headers.Location!;
    }

    private static Dictionary<string, string> ConsentForm(string page, string decision)
    {
        var fields = HiddenInput().Matches(page).ToDictionary(m => m.Groups[1].Value, m => WebUtility.HtmlDecode(m.Groups[2].Value));
        fields["decision"] = decision;
        return fields;
    }

    private static FormUrlEncodedContent CodeForm(string code, string redirectUri) => new(new Dictionary<string, string>
    {
        ["grant_type"] = "authorization_code",
        ["code"] = code,
        ["redirect_uri"] = redirectUri,
        ["client_id"] = ClientId,
        ["client_secret"] = ClientSecret,
    });

    private static string Query(Uri uri, string name) =>
        uri.Query.TrimStart('?').Split('&').Select(p => p.Split('=', 2)).Single(p => p[0] == name)[1];

    [GeneratedRegex("<input type=\"hidden\" name=\"([a-z_]+)\" value=\"([^\"]*)\">")]
    private static partial Regex HiddenInput();
}
