using System.Text.RegularExpressions;
using ButtonPush.Pages.Admin;
using Keap.ServiceAccount;
using Microsoft.Extensions.Time.Testing;

namespace ButtonPush.Tests.Admin;

/// <summary>The admin panel shows what reached Keap, in words.</summary>
public sealed class AdminPanelTests
{
    private const string Email = "pat@buttonpush.test";

    [Fact]
    public async Task The_panel_shows_each_users_contact_and_tag_the_deliveries_the_quota_and_the_sandboxs_contents()
    {
        await using var app = new ButtonPushApp();
        using var admin = AppClient.Create(app);
        await admin.ConnectAsAdminAsync();
        using var pat = AppClient.Create(app);
        await pat.SignUpAsync(Email, "Pat Presser");
        await pat.PressAsync();
        await Eventually.TrueAsync("the outbox is drained", async () => (await app.OpenOutboxAsync()).Count == 0);
        var contactId = (await app.UserAsync(Email))!.KeapContactId!;

        var html = await admin.GetPageAsync("/admin");

        var patRow = Row(html, $"data-email=\"{Email}\"");
        Assert.Contains($"#{contactId}", patRow, StringComparison.Ordinal);
        Assert.Matches("class=\"tagged\">Yes, \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC<", patRow);
        var deliveries = Section(html, "deliveries");
        Assert.Equal(3, Regex.Count(deliveries, "<tr>") - 1); // header row, then admin's contact, Pat's contact, Pat's tag
        Assert.Contains(Email, deliveries, StringComparison.Ordinal);
        Assert.Contains("Tag &quot;buttonpushed&quot;", deliveries, StringComparison.Ordinal);
        Assert.Matches("<meter min=\"0\" max=\"\\d+\"", Section(html, "quota", "</div>"));
        var sandbox = Section(html, "sandbox-contacts");
        Assert.Contains(Email, sandbox, StringComparison.Ordinal);
        Assert.Contains("buttonpushed", sandbox, StringComparison.Ordinal);
        Assert.Contains("0 pending, 0 parked.", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_outbox_shows_the_users_email_and_why_a_row_waits_and_Disconnect_asks_first()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var keap = new FakeKeap { Down = true };
        await using var app = new ButtonPushApp(time, fakeKeap: keap);
        using var pat = AppClient.Create(app);
        await pat.SignUpAsync(Email);
        await pat.PressAsync();
        await Eventually.TrueAsync("the contact row has failed", async () => (await app.OpenOutboxAsync()) is [{ Attempts: >= 1 }, _]);
        using var admin = AppClient.Create(app);
        await admin.SignUpAsync(ButtonPushApp.AdminEmail);

        var outbox = System.Net.WebUtility.HtmlDecode(Section(await admin.GetPageAsync("/admin"), "outbox"));
        var page = await admin.GetPageAsync("/admin");

        Assert.Contains($"<td class=\"email\">{Email}</td>", outbox, StringComparison.Ordinal);
        Assert.Contains("Failed 1×, next try", outbox, StringComparison.Ordinal);
        Assert.Contains("(its contact) to go first", outbox, StringComparison.Ordinal);
        Assert.Contains("onsubmit=\"return confirm(", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Once_the_admin_connects_no_row_still_says_it_waits_for_the_connection()
    {
        var keap = new FakeKeap { Connected = false };
        await using var app = new ButtonPushApp(new FakeTimeProvider(DateTimeOffset.UtcNow), fakeKeap: keap);
        using var pat = AppClient.Create(app);
        await pat.SignUpAsync(Email);
        await Eventually.TrueAsync("the row waits for the connection", async () => (await app.OpenOutboxAsync()) is [{ WaitingFor: "connection" }]);
        using var admin = AppClient.Create(app);
        await admin.SignUpAsync(ButtonPushApp.AdminEmail);
        await Eventually.TrueAsync("the admin's row waits too", async () => (await app.OpenOutboxAsync()).Count(row => row.WaitingFor == "connection") == 2);

        // Keap answers slowly: the panel the callback lands on is drawn while the rows are on their way.
        keap.HoldCalls();
        var panel = System.Net.WebUtility.HtmlDecode(await admin.GetPageAsync("/admin/keap/callback?code=c&state=s1"));
        keap.ReleaseCalls();

        var outbox = Section(panel, "outbox");
        Assert.DoesNotContain("Waiting for an admin to connect Keap", outbox, StringComparison.Ordinal);
        Assert.DoesNotContain("Waiting for the Keap connection", outbox, StringComparison.Ordinal);
        await Eventually.TrueAsync("the outbox is drained", async () => (await app.OpenOutboxAsync()).Count == 0);
    }

    [Fact]
    public async Task After_disconnecting_and_connecting_again_Last_refresh_is_not_the_previous_connections()
    {
        await using var app = new ButtonPushApp();
        using var admin = AppClient.Create(app);
        await admin.ConnectAsAdminAsync();
        using (await admin.PostFormAsync("/admin", "/admin?handler=Refresh"))
        {
        }

        Assert.NotEqual("–", AppClient.Text(await admin.GetPageAsync("/admin"), "last-refresh"));
        using (await admin.PostFormAsync("/admin", "/admin?handler=Disconnect"))
        {
        }

        using var consent = await admin.PostFormAsync("/admin", "/admin?handler=Connect");
        using var content = new FormUrlEncodedContent(AppClient.ConsentForm(await consent.Content.ReadAsStringAsync(), "allow"));
        using var callback = await admin.Http.PostAsync(consent.RequestMessage!.RequestUri, content);
        var html = await callback.Content.ReadAsStringAsync();

        Assert.Equal("Connected", AppClient.Text(html, "state"));
        Assert.Equal("–", AppClient.Text(html, "last-refresh"));
    }

    [Fact]
    public async Task In_offline_mode_the_quota_gauges_say_they_are_the_sandboxs_limits_not_Keaps()
    {
        await using var app = new ButtonPushApp();
        using var admin = AppClient.Create(app);
        await admin.ConnectAsAdminAsync();
        await Eventually.TrueAsync("the outbox is drained", async () => (await app.OpenOutboxAsync()).Count == 0);

        var quota = System.Net.WebUtility.HtmlDecode(Section(await admin.GetPageAsync("/admin"), "quota", "</section>"));

        Assert.Contains("embedded sandbox", quota, StringComparison.Ordinal);
        Assert.DoesNotContain("As Keap reported", quota, StringComparison.Ordinal);
        Assert.Contains("not Keap's", quota, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_user_not_yet_in_Keap_is_not_listed_under_a_heading_saying_they_are()
    {
        var keap = new FakeKeap { Connected = false };
        await using var app = new ButtonPushApp(fakeKeap: keap);
        using var admin = AppClient.Create(app);
        await admin.SignUpAsync(ButtonPushApp.AdminEmail);

        var html = await admin.GetPageAsync("/admin");

        Assert.Contains("not yet", Row(html, $"data-email=\"{ButtonPushApp.AdminEmail}\""), StringComparison.Ordinal);
        Assert.DoesNotContain("Users in Keap", html, StringComparison.Ordinal);
        Assert.Equal("Users and what reached Keap", AppClient.Text(html, "users-heading"));
    }

    [Theory]
    [InlineData(KeapConnectionState.Connected, "Connected")]
    [InlineData(KeapConnectionState.NotConnected, "Not connected")]
    [InlineData(KeapConnectionState.NeedsReauthorization, "Needs re-authorization")]
    public void Connection_states_read_as_words(KeapConnectionState state, string words)
    {
        Assert.Equal(words, AdminModel.Describe(state));
    }

    /// <summary>The markup from the element with id <paramref name="id"/> to the next <paramref name="endTag"/>.</summary>
    private static string Section(string html, string id, string endTag = "</table>")
    {
        var start = html.IndexOf($"id=\"{id}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"No element with id '{id}'");
        var end = html.IndexOf(endTag, start, StringComparison.Ordinal);
        Assert.True(end > start, $"No {endTag} after '{id}'");
        return html[start..end];
    }

    private static string Row(string html, string marker)
    {
        var start = html.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(start >= 0, $"No row with {marker}");
        return html[start..html.IndexOf("</tr>", start, StringComparison.Ordinal)];
    }
}
