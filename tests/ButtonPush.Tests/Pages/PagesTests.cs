using System.Net;

namespace ButtonPush.Tests.Pages;

/// <summary>Pages a visitor can land on: none blank, each in the app's layout with a way on.</summary>
public sealed class PagesTests
{
    [Fact]
    public async Task A_user_without_admin_rights_gets_a_403_page_in_the_apps_layout_with_a_way_back()
    {
        await using var app = new ButtonPushApp(fakeKeap: new FakeKeap());
        using var pat = AppClient.Create(app);
        await pat.SignUpAsync("pat@buttonpush.test", "Pat Presser");

        using var response = await pat.Http.GetAsync(new Uri("/admin", UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("Admin rights needed", AppClient.Text(html, "status-title"));
        Assert.Contains("signed in as Pat Presser", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/\">Back to the button</a>", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/login?returnUrl=%2Fadmin\"", html, StringComparison.Ordinal);
        Assert.Contains("<nav>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_address_gets_a_404_page_in_the_apps_layout()
    {
        await using var app = new ButtonPushApp(fakeKeap: new FakeKeap());
        using var client = AppClient.Create(app);

        using var response = await client.Http.GetAsync(new Uri("/no-such-page", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("Page not found", AppClient.Text(await response.Content.ReadAsStringAsync(), "status-title"));
    }

    [Fact]
    public async Task The_login_page_says_when_the_admin_account_is_needed()
    {
        await using var app = new ButtonPushApp(fakeKeap: new FakeKeap());
        using var client = AppClient.Create(app);

        var forAdmin = await client.GetPageAsync("/login?returnUrl=%2Fadmin");
        var plain = await client.GetPageAsync("/login");

        Assert.Contains("needs the admin account", forAdmin, StringComparison.Ordinal);
        Assert.DoesNotContain("admin-needed", plain, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signing_up_with_a_taken_email_offers_a_link_to_log_in()
    {
        await using var app = new ButtonPushApp(fakeKeap: new FakeKeap());
        using (var first = AppClient.Create(app))
        {
            await first.SignUpAsync("pat@buttonpush.test");
        }

        using var second = AppClient.Create(app);
        var html = await second.SignUpAsync("pat@buttonpush.test");

        Assert.Contains("already signed up. <a href=\"/login\">Log in</a> instead.", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_logout_shows_a_page_with_the_log_out_button_and_signs_nobody_out()
    {
        await using var app = new ButtonPushApp(fakeKeap: new FakeKeap());
        using var pat = AppClient.Create(app);
        await pat.SignUpAsync("pat@buttonpush.test", "Pat Presser");

        var html = await pat.GetPageAsync("/logout");

        Assert.Contains("You are signed in as Pat Presser", html, StringComparison.Ordinal);
        Assert.Contains("id=\"logout\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"press\"", await pat.GetPageAsync("/"), StringComparison.Ordinal);
    }
}
