using System.Net;
using System.Text.RegularExpressions;

namespace ButtonPush.Tests.Pages;

/// <summary>Every form on every page works: each POST form carries its anti-forgery token, the header's Log out included.</summary>
public sealed partial class FormsTests
{
    [Fact]
    public async Task Every_post_form_on_every_page_carries_an_antiforgery_token()
    {
        await using var app = new ButtonPushApp();
        using var anonymous = AppClient.Create(app);
        using var pat = AppClient.Create(app);
        await pat.SignUpAsync("pat@buttonpush.test");
        using var admin = AppClient.Create(app);
        await admin.ConnectAsAdminAsync();

        var checkedForms = 0;
        foreach (var (who, client) in new[] { ("a visitor", anonymous), ("a user", pat), ("the admin", admin) })
        {
            foreach (var path in new[] { "/", "/signup", "/login", "/logout", "/admin", "/status/404" })
            {
                using var response = await client.Http.GetAsync(new Uri(path, UriKind.Relative));
                var html = await response.Content.ReadAsStringAsync();
                foreach (Match form in PostForm().Matches(html))
                {
                    checkedForms++;
                    Assert.True(
                        form.Value.Contains("name=\"__RequestVerificationToken\"", StringComparison.Ordinal),
                        $"A POST form on {path}, as {who}, has no anti-forgery token: {form.Value}");
                }
            }
        }

        // The header's Log out (twice per signed-in client and page), sign-up, login, and the admin's own buttons at least.
        Assert.True(checkedForms > 20, $"Only {checkedForms} forms were found.");
    }

    [Fact]
    public async Task Log_out_in_the_header_signs_the_user_out()
    {
        await using var app = new ButtonPushApp(fakeKeap: new FakeKeap());
        using var pat = AppClient.Create(app);
        await pat.SignUpAsync("pat@buttonpush.test", "Pat Presser");

        var header = HeaderForm().Match(await pat.GetPageAsync("/"));
        Assert.True(header.Success, "No Log out form in the header.");
        var fields = HiddenField().Matches(header.Value).ToDictionary(m => m.Groups[1].Value, m => WebUtility.HtmlDecode(m.Groups[2].Value));
        using var content = new FormUrlEncodedContent(fields);
        using var response = await pat.Http.PostAsync(new Uri(WebUtility.HtmlDecode(header.Groups[1].Value), UriKind.Relative), content);

        Assert.True(response.IsSuccessStatusCode, $"Log out gave {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var home = await pat.GetPageAsync("/");
        Assert.Contains("<a href=\"/login\">Log in</a>", home, StringComparison.Ordinal);
        Assert.DoesNotContain("Pat Presser", home, StringComparison.Ordinal);
    }

    [GeneratedRegex("<form[^>]*method=\"post\"[^>]*>.*?</form>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex PostForm();

    [GeneratedRegex("<nav>.*?<form[^>]*method=\"post\"[^>]*action=\"([^\"]+)\"[^>]*>.*?</form>", RegexOptions.Singleline)]
    private static partial Regex HeaderForm();

    [GeneratedRegex("<input[^>]*name=\"([^\"]+)\"[^>]*value=\"([^\"]*)\"")]
    private static partial Regex HiddenField();
}
