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

        Assert.Contains($"<td class=\"wrap\">{Email}</td>", outbox, StringComparison.Ordinal);
        Assert.Contains("Failed 1×, next try", outbox, StringComparison.Ordinal);
        Assert.Contains("(its contact) to go first", outbox, StringComparison.Ordinal);
        Assert.Contains("onsubmit=\"return confirm(", page, StringComparison.Ordinal);
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
