using System.Net;
using System.Text.RegularExpressions;
using Keap.ServiceAccount;
using Microsoft.Extensions.Time.Testing;
using static ButtonPush.Tests.Hooks.HookDeliveries;

namespace ButtonPush.Tests.Hooks;

/// <summary>
/// What ButtonPush does with Keap's REST hook deliveries: the handler stores them, the outbox worker applies them after
/// reading Keap again (against <see cref="FakeKeap"/>, for exact control over Keap's state and failures).
/// </summary>
public sealed class HookEventTests
{
    private const string Email = "pat@buttonpush.test";

    [Fact]
    public async Task A_change_Keap_delivers_again_in_a_retry_or_another_batch_is_stored_and_applied_once()
    {
        var keap = new FakeKeap();
        await using var app = new ButtonPushApp(fakeKeap: keap);
        var contactId = await TaggedUserAsync(app, keap);
        var changed = DateTimeOffset.UtcNow.AddSeconds(-40);
        var readsBefore = keap.Reads;

        await app.DeliverAsync(Delivery(KeapHookEventKey.ContactEdit, (contactId, changed), (contactId, changed)));
        await app.DeliverAsync(Delivery(KeapHookEventKey.ContactEdit, (contactId, changed)));
        await app.DeliverAsync(Delivery(KeapHookEventKey.ContactEdit, ("999", changed), (contactId, changed)));

        var events = await app.AppliedHookEventsAsync(2);
        Assert.Single(events, e => e.ObjectId == contactId);
        Assert.Equal(readsBefore + 2, keap.Reads); // one contact read and one email status read, for the one change
        Assert.Empty(await app.OpenOutboxAsync());
    }

    [Fact]
    public async Task A_contact_deleted_in_Keap_is_forgotten_and_the_next_press_creates_and_tags_it_again()
    {
        var keap = new FakeKeap();
        await using var app = new ButtonPushApp(fakeKeap: keap);
        using var pat = AppClient.Create(app);
        var contactId = await TaggedUserAsync(app, keap, pat);

        keap.DeleteContact(contactId);
        await app.DeliverAsync(Delivery(KeapHookEventKey.ContactDelete, (contactId, DateTimeOffset.UtcNow)));

        var applied = Assert.Single(await app.AppliedHookEventsAsync(1));
        Assert.Contains("contact deleted in Keap", applied.Outcome, StringComparison.Ordinal);
        Assert.Null((await app.UserAsync(Email))!.KeapContactId);
        var panel = WebUtility.HtmlDecode(await AdminPanelAsync(app));
        Assert.Matches("class=\"contact\">Deleted in Keap, \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC<", Row(panel, Email));

        Assert.Equal(3, AppClient.PressCount(await pat.PressAsync()));

        var recreated = await Eventually.ValueAsync(
            "the contact is created and tagged again",
            async () => (await app.UserAsync(Email))?.KeapContactId,
            id => id is not null && keap.HasTag(id, "buttonpushed"));
        Assert.NotEqual(contactId, recreated);
        Assert.Contains(keap.Contacts, c => c.Id == recreated && c.Email == Email);
        Assert.Matches("class=\"tagged\">Yes, ", Row(await AdminPanelAsync(app), Email));
    }

    [Fact]
    public async Task A_delete_hint_for_a_contact_Keap_still_has_changes_nothing()
    {
        var keap = new FakeKeap();
        await using var app = new ButtonPushApp(fakeKeap: keap);
        using var pat = AppClient.Create(app);
        var contactId = await TaggedUserAsync(app, keap, pat);

        // Unsigned and only a hint: Keap is asked, and still has the contact.
        await app.DeliverAsync(Delivery(KeapHookEventKey.ContactDelete, (contactId, DateTimeOffset.UtcNow)));

        await app.AppliedHookEventsAsync(1);
        Assert.Equal(contactId, (await app.UserAsync(Email))!.KeapContactId);
        await pat.PressAsync();
        Assert.Equal(3, await app.OutboxRowCountAsync()); // sign-up, first press and the hook event: the press queued nothing
    }

    [Fact]
    public async Task A_tag_removed_in_Keap_shows_in_the_panel_with_when_it_was_removed_and_goes_when_it_is_back()
    {
        var keap = new FakeKeap();
        await using var app = new ButtonPushApp(fakeKeap: keap);
        var contactId = await TaggedUserAsync(app, keap);
        var removedAt = new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);

        keap.RemoveTag(contactId, "buttonpushed");
        await app.DeliverAsync(Delivery(KeapHookEventKey.ContactGroupRemoved, (contactId, removedAt)));

        await app.AppliedHookEventsAsync(1);
        var row = Row(await AdminPanelAsync(app), Email);
        Assert.Contains("class=\"tagged\">Tag removed in Keap, 2026-03-04 05:06:07 UTC<", row, StringComparison.Ordinal);
        Assert.Equal(contactId, (await app.UserAsync(Email))!.KeapContactId);

        await keap.ApplyAsync(await keap.GetOrCreateIdAsync("buttonpushed"), [contactId]);
        await app.DeliverAsync(Delivery(KeapHookEventKey.ContactGroupApplied, (contactId, removedAt.AddMinutes(1))));

        await app.AppliedHookEventsAsync(2);
        Assert.Contains("class=\"tagged\">Yes, ", Row(await AdminPanelAsync(app), Email), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_contact_edit_stores_the_email_status_Keap_reports_now_for_the_panel()
    {
        var keap = new FakeKeap();
        await using var app = new ButtonPushApp(fakeKeap: keap);
        var contactId = await TaggedUserAsync(app, keap);

        keap.EmailStatus = KeapEmailStatus.ListUnsubscribe;
        await app.DeliverAsync(Delivery(KeapHookEventKey.ContactEdit, (contactId, DateTimeOffset.UtcNow)));

        await app.AppliedHookEventsAsync(1);
        Assert.Matches("class=\"email-status\">LIST_UNSUBSCRIBE<br><span class=\"muted\">as read \\d{4}-", Row(await AdminPanelAsync(app), Email));
    }

    [Fact]
    public async Task An_event_about_a_contact_no_user_has_is_applied_as_no_user_without_asking_Keap()
    {
        var keap = new FakeKeap();
        await using var app = new ButtonPushApp(fakeKeap: keap);
        await TaggedUserAsync(app, keap);
        var calls = keap.Calls;

        await app.DeliverAsync(Delivery(KeapHookEventKey.ContactDelete, ("424242", DateTimeOffset.UtcNow)));

        var applied = Assert.Single(await app.AppliedHookEventsAsync(1));
        Assert.Equal("no user", applied.Outcome);
        Assert.Equal(calls, keap.Calls);
        var panel = await AdminPanelAsync(app);
        Assert.Contains("data-event=\"contact.delete\" data-object=\"424242\"", Section(panel, "hook-events"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task While_Keap_is_down_a_hook_event_stays_queued_and_is_applied_once_Keap_is_back()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var keap = new FakeKeap();
        await using var app = new ButtonPushApp(time, fakeKeap: keap);
        var contactId = await TaggedUserAsync(app, keap);

        keap.DeleteContact(contactId);
        keap.Down = true;
        await app.DeliverAsync(Delivery(KeapHookEventKey.ContactDelete, (contactId, time.GetUtcNow())));

        var failing = await Eventually.ValueAsync(
            "the hook row has failed twice",
            app.OpenOutboxAsync,
            rows => rows is [{ Kind: "apply-hook-event", Attempts: >= 2 }],
            () => time.Advance(TimeSpan.FromSeconds(10)));
        Assert.False(failing[0].Parked);
        Assert.Contains("503", failing[0].LastError, StringComparison.Ordinal);
        Assert.Null((await app.HookEventsAsync()).Single().AppliedAt);
        Assert.Equal(contactId, (await app.UserAsync(Email))!.KeapContactId);

        keap.Down = false;
        var applied = await app.AppliedHookEventsAsync(1, () => time.Advance(TimeSpan.FromMinutes(1)));
        Assert.Contains("contact deleted in Keap", applied[0].Outcome, StringComparison.Ordinal);
        Assert.Null((await app.UserAsync(Email))!.KeapContactId);
        Assert.Empty(await app.OpenOutboxAsync());
    }

    /// <summary>Signs Pat up, presses once and waits for the tag; returns Pat's contact id.</summary>
    private static async Task<string> TaggedUserAsync(ButtonPushApp app, FakeKeap keap, AppClient? client = null)
    {
        using var own = client is null ? AppClient.Create(app) : null;
        var pat = client ?? own!;
        await pat.SignUpAsync(Email);
        await pat.PressAsync();
        await pat.PressAsync();
        return await Eventually.ValueAsync(
            "Pat's contact is tagged",
            async () => (await app.UserAsync(Email))?.KeapContactId,
            id => id is not null && keap.HasTag(id, "buttonpushed")) ?? throw new InvalidOperationException("No contact id.");
    }

    private static async Task<string> AdminPanelAsync(ButtonPushApp app)
    {
        using var admin = AppClient.Create(app);
        if (await app.UserAsync(ButtonPushApp.AdminEmail) is null)
        {
            await admin.SignUpAsync(ButtonPushApp.AdminEmail);
        }
        else
        {
            await admin.LogInAsync(ButtonPushApp.AdminEmail);
        }

        return await admin.GetPageAsync("/admin");
    }

    private static string Row(string html, string email) =>
        Regex.Match(html, $"<tr data-email=\"{Regex.Escape(email)}\">.*?</tr>", RegexOptions.Singleline).Value;

    private static string Section(string html, string id) =>
        Regex.Match(html, $"id=\"{Regex.Escape(id)}\".*?</table>", RegexOptions.Singleline).Value;
}
