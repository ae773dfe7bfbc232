using System.Net;

namespace ButtonPush.Tests.Admin;

/// <summary>Who may see /admin and its callback.</summary>
public sealed class AdminAccessTests
{
    [Fact]
    public async Task A_signed_in_user_who_is_not_the_admin_gets_403()
    {
        await using var app = new ButtonPushApp(fakeKeap: new FakeKeap());
        using var signUp = AppClient.Create(app);
        await signUp.SignUpAsync("pat@buttonpush.test");

        using var admin = await signUp.Http.GetAsync(new Uri("/admin", UriKind.Relative));
        using var callback = await signUp.Http.GetAsync(new Uri("/admin/keap/callback?code=c&state=s1", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Forbidden, admin.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, callback.StatusCode);
    }

    [Fact]
    public async Task An_anonymous_visitor_is_sent_to_log_in()
    {
        await using var app = new ButtonPushApp(fakeKeap: new FakeKeap());
        using var client = AppClient.Create(app, followRedirects: false);

        using var response = await client.Http.GetAsync(new Uri("/admin", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_configured_admin_email_gets_the_admin_panel_and_can_log_back_in()
    {
        await using var app = new ButtonPushApp(fakeKeap: new FakeKeap());
        using var client = AppClient.Create(app);
        using var login = await SignUpAdminThenLogInAsync(app, client, "/login?returnUrl=%2Fadmin", ButtonPushApp.AdminEmail.ToUpperInvariant(), "admin password 1");
        var html = await login.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Contains("Keap connection", html, StringComparison.Ordinal);
        Assert.Contains("id=\"connect\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_password_does_not_sign_in()
    {
        await using var app = new ButtonPushApp(fakeKeap: new FakeKeap());
        using var client = AppClient.Create(app);
        using var login = await SignUpAdminThenLogInAsync(app, client, "/login", ButtonPushApp.AdminEmail, "not the password");

        Assert.Contains("Wrong email or password", await login.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var admin = await client.Http.GetAsync(new Uri("/admin", UriKind.Relative));
        Assert.Contains("/login", admin.RequestMessage!.RequestUri!.AbsolutePath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forms_without_an_anti_forgery_token_are_rejected()
    {
        await using var app = new ButtonPushApp(fakeKeap: new FakeKeap());
        using var client = AppClient.Create(app);
        await client.SignUpAsync("pat@buttonpush.test");

        using var content = new FormUrlEncodedContent(new Dictionary<string, string>());
        using var press = await client.Http.PostAsync(new Uri("/", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.BadRequest, press.StatusCode);
    }

    [Fact]
    public async Task Signing_up_twice_with_one_email_is_refused()
    {
        await using var app = new ButtonPushApp(fakeKeap: new FakeKeap());
        using var first = AppClient.Create(app);
        await first.SignUpAsync("pat@buttonpush.test");
        using var second = AppClient.Create(app);

        var html = await second.SignUpAsync("PAT@buttonpush.test");

        Assert.Contains("already signed up", html, StringComparison.Ordinal);
        Assert.Equal(1, await app.OutboxRowCountAsync());
    }

    /// <summary>Signs the admin up (password "admin password 1") in one browser, then logs in from <paramref name="client"/>.</summary>
    private static async Task<HttpResponseMessage> SignUpAdminThenLogInAsync(ButtonPushApp app, AppClient client, string action, string email, string password)
    {
        using (var first = AppClient.Create(app))
        {
            await first.SignUpAsync(ButtonPushApp.AdminEmail, password: "admin password 1");
        }

        return await client.PostFormAsync("/login", action, new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        });
    }
}
