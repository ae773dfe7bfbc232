using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ButtonPush.Tests.Outbox;

/// <summary>The durable path from a user action to Keap, against <see cref="FakeKeap"/> for exact failure control.</summary>
public sealed class OutboxTests
{
    private const string Email = "pat@buttonpush.test";

    [Fact]
    public async Task Sign_up_upserts_the_contact_and_stores_its_id_on_the_user()
    {
        var keap = new FakeKeap();
        await using var app = new ButtonPushApp(fakeKeap: keap);
        using var client = AppClient.Create(app);

        await client.SignUpAsync(Email);

        await Eventually.TrueAsync("the contact ID is stored", async () => (await app.UserAsync(Email))?.KeapContactId is not null);
        var contact = Assert.Single(keap.Contacts);
        Assert.Equal(Email, contact.Email);
        Assert.Equal(contact.Id, (await app.UserAsync(Email))!.KeapContactId);
        Assert.Empty(await app.OpenOutboxAsync());
    }

    [Fact]
    public async Task First_press_applies_the_tag_and_later_presses_only_count()
    {
        var keap = new FakeKeap();
        await using var app = new ButtonPushApp(fakeKeap: keap);
        using var client = AppClient.Create(app);
        await client.SignUpAsync(Email);

        Assert.Equal(1, AppClient.PressCount(await client.PressAsync()));
        await Eventually.TrueAsync("the tag is applied", async () => (await app.UserAsync(Email))?.KeapContactId is { } id && keap.HasTag(id, "buttonpushed"));

        Assert.Equal(2, AppClient.PressCount(await client.PressAsync()));
        Assert.Equal(3, AppClient.PressCount(await client.PressAsync()));

        // Only sign-up and the first press queued work: nothing else will ever reach Keap.
        Assert.Equal(2, await app.OutboxRowCountAsync());
        await Eventually.TrueAsync("the outbox is drained", async () => (await app.OpenOutboxAsync()).Count == 0);
        Assert.Equal(1, keap.Applies);
        Assert.Equal(1, keap.Upserts);
    }

    [Fact]
    public async Task While_Keap_is_down_rows_wait_and_after_recovery_are_delivered_exactly_once()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var keap = new FakeKeap { Down = true };
        await using var app = new ButtonPushApp(time, fakeKeap: keap);
        using var client = AppClient.Create(app);
        await client.SignUpAsync(Email);
        await client.PressAsync();

        await Eventually.TrueAsync("the contact row has failed", async () => (await app.OpenOutboxAsync()) is [{ Attempts: >= 1 }, _]);
        var waiting = await app.OpenOutboxAsync();
        Assert.All(waiting, row => Assert.False(row.Parked));
        Assert.Contains("503", waiting[0].LastError, StringComparison.Ordinal);
        Assert.Equal(0, waiting[1].Attempts); // the tag goes after its contact, never before
        Assert.Equal(0, keap.Upserts);

        keap.Down = false;
        await Eventually.TrueAsync("the outbox is drained", async () => (await app.OpenOutboxAsync()).Count == 0, () => time.Advance(TimeSpan.FromMinutes(1)));

        Assert.Equal(1, keap.Upserts);
        Assert.Equal(1, keap.Applies);
        Assert.True(keap.HasTag((await app.UserAsync(Email))!.KeapContactId!, "buttonpushed"));
    }

    [Fact]
    public async Task Rows_waiting_on_the_connection_or_on_their_contact_spend_no_attempts_and_go_as_soon_as_the_admin_connects()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var keap = new FakeKeap { Connected = false };
        await using var app = new ButtonPushApp(time, new Dictionary<string, string?> { ["ButtonPush:Outbox:MaxAttempts"] = "2" }, fakeKeap: keap);
        using var pat = AppClient.Create(app);
        await pat.SignUpAsync(Email);
        await pat.PressAsync();
        using var sam = AppClient.Create(app);
        await sam.SignUpAsync("sam@buttonpush.test", "Sam");
        await sam.PressAsync();

        // Many more tries than MaxAttempts allows: the sign-up rows find Keap not connected again and again.
        await Eventually.TrueAsync(
            "the sign-up rows wait for the connection",
            async () => (await app.OpenOutboxAsync()).Count(row => row.WaitingFor == "connection") == 2);
        var callsBefore = keap.Calls;
        await Eventually.TrueAsync(
            "the worker has found Keap not connected ten more times",
            () => keap.Calls >= callsBefore + 10,
            () => time.Advance(TimeSpan.FromMinutes(1)));

        var waiting = await app.OpenOutboxAsync();
        Assert.Equal(4, waiting.Count);
        Assert.All(waiting, row => Assert.False(row.Parked));
        Assert.All(waiting, row => Assert.Equal(0, row.Attempts));
        Assert.All(waiting.Where(row => row.Kind == "tag-buttonpushed"), row => Assert.NotNull(row.WaitingOnRow));
        Assert.Contains("Waiting for an admin to connect Keap", waiting[0].LastError, StringComparison.Ordinal);

        // The callback makes waiting rows due at once: no clock movement is needed for delivery, tags included.
        using var admin = AppClient.Create(app);
        await admin.SignUpAsync(ButtonPushApp.AdminEmail);
        var panel = await admin.GetPageAsync("/admin/keap/callback?code=c&state=s1");
        Assert.Contains("Connected to Keap", panel, StringComparison.Ordinal);

        await Eventually.TrueAsync("the outbox is drained", async () => (await app.OpenOutboxAsync()).Count == 0);
        Assert.Equal(3, keap.Upserts);
        Assert.Equal(2, keap.Applies);
        Assert.True(keap.HasTag((await app.UserAsync(Email))!.KeapContactId!, "buttonpushed"));
        Assert.True(keap.HasTag((await app.UserAsync("sam@buttonpush.test"))!.KeapContactId!, "buttonpushed"));
    }

    [Fact]
    public async Task A_tag_row_waits_unspent_behind_its_contacts_failing_row_and_follows_it_when_that_row_is_retried()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var keap = new FakeKeap { Down = true };
        await using var app = new ButtonPushApp(time, new Dictionary<string, string?> { ["ButtonPush:Outbox:MaxAttempts"] = "2" }, fakeKeap: keap);
        using var user = AppClient.Create(app);
        await user.SignUpAsync(Email);
        await user.PressAsync();

        await Eventually.TrueAsync("the contact row is parked", async () => (await app.OpenOutboxAsync()) is [{ Parked: true }, _], () => time.Advance(TimeSpan.FromMinutes(1)));
        var (upsert, tag) = (await app.OpenOutboxAsync()) is [var first, var second] ? (first, second) : throw new InvalidOperationException();
        Assert.Equal(2, upsert.Attempts);
        Assert.False(tag.Parked);
        Assert.Equal(0, tag.Attempts);
        Assert.Equal(upsert.Id, tag.WaitingOnRow);
        Assert.Equal(0, keap.Applies);

        keap.Down = false;
        using var admin = AppClient.Create(app);
        await admin.SignUpAsync(ButtonPushApp.AdminEmail);
        Assert.Contains($"Waiting for row {upsert.Id}", await admin.GetPageAsync("/admin"), StringComparison.Ordinal);
        using (await admin.PostFormAsync("/admin", $"/admin?handler=Retry&id={upsert.Id}"))
        {
        }

        await Eventually.TrueAsync("both rows are delivered", async () => (await app.OpenOutboxAsync()).Count == 0);
        Assert.True(keap.HasTag((await app.UserAsync(Email))!.KeapContactId!, "buttonpushed"));
        Assert.Equal(1, keap.Applies);
    }

    [Fact]
    public async Task A_row_is_parked_after_the_configured_failures_and_an_admin_retry_delivers_it()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var keap = new FakeKeap { Down = true };
        await using var app = new ButtonPushApp(time, new Dictionary<string, string?> { ["ButtonPush:Outbox:MaxAttempts"] = "3" }, fakeKeap: keap);
        using var user = AppClient.Create(app);
        await user.SignUpAsync(Email);

        await Eventually.TrueAsync("the row is parked", async () => (await app.OpenOutboxAsync()) is [{ Parked: true }], () => time.Advance(TimeSpan.FromMinutes(1)));
        var parked = Assert.Single(await app.OpenOutboxAsync());
        Assert.Equal(3, parked.Attempts);

        // Parked rows stay put however much time passes.
        time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(0, keap.Upserts);

        keap.Down = false;
        using var admin = AppClient.Create(app);
        await admin.SignUpAsync(ButtonPushApp.AdminEmail);
        var adminPage = await admin.GetPageAsync("/admin");
        Assert.Contains("parked", adminPage, StringComparison.Ordinal);
        using var retry = await admin.PostFormAsync("/admin", $"/admin?handler=Retry&id={parked.Id}");
        Assert.True(retry.IsSuccessStatusCode);

        await Eventually.TrueAsync("the parked row is delivered", async () => (await app.UserAsync(Email))?.KeapContactId is not null);
        Assert.Equal(2, keap.Upserts); // the user's and the admin's sign-ups, once each
    }

    [Fact]
    public async Task A_tag_Keap_answers_NOT_FOUND_for_is_not_taken_as_delivered_and_goes_once_Keap_tags_the_contact()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var keap = new FakeKeap { ApplyAnswersNotFound = true };
        await using var app = new ButtonPushApp(time, fakeKeap: keap);
        using var user = AppClient.Create(app);
        await user.SignUpAsync(Email);
        await user.PressAsync();

        await Eventually.TrueAsync("the tag row has failed", async () => (await app.OpenOutboxAsync()) is [{ Kind: "tag-buttonpushed", Attempts: >= 1 }]);
        var row = Assert.Single(await app.OpenOutboxAsync());
        Assert.Contains("NOT_FOUND", row.LastError, StringComparison.Ordinal);
        Assert.Equal(2, keap.Applies); // the first answer made the contact again, the second try still found nobody
        Assert.DoesNotContain(app.Logs.GetSnapshot(), r => r.Message.Contains("(tag-buttonpushed) delivered", StringComparison.Ordinal));
        Assert.Null((await app.Services.GetRequiredService<ButtonPush.Data.UserStore>().ListAsync(10, CancellationToken.None)).Single().KeapTaggedAt);

        keap.ApplyAnswersNotFound = false;
        await Eventually.TrueAsync("the tag row is delivered", async () => (await app.OpenOutboxAsync()).Count == 0, () => time.Advance(TimeSpan.FromMinutes(1)));
        Assert.True(keap.HasTag((await app.UserAsync(Email))!.KeapContactId!, "buttonpushed"));
        Assert.NotNull((await app.Services.GetRequiredService<ButtonPush.Data.UserStore>().ListAsync(10, CancellationToken.None)).Single().KeapTaggedAt);
    }

    [Fact]
    public async Task While_Keaps_quota_is_used_up_rows_wait_without_spending_attempts_and_go_when_it_refills()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var keap = new FakeKeap { OutOfQuota = true };
        await using var app = new ButtonPushApp(time, new Dictionary<string, string?> { ["ButtonPush:Outbox:MaxAttempts"] = "2" }, fakeKeap: keap);
        using var user = AppClient.Create(app);
        await user.SignUpAsync(Email);

        await Eventually.TrueAsync("the row waits for the quota", async () => (await app.OpenOutboxAsync()) is [{ WaitingFor: "quota" }]);
        var callsBefore = keap.Calls;
        await Eventually.TrueAsync(
            "the worker has found the quota used up six more times",
            () => keap.Calls >= callsBefore + 6,
            () => time.Advance(TimeSpan.FromMinutes(6)));

        var waiting = Assert.Single(await app.OpenOutboxAsync());
        Assert.False(waiting.Parked);
        Assert.Equal(0, waiting.Attempts);
        Assert.Contains("quota", waiting.LastError, StringComparison.Ordinal);

        keap.OutOfQuota = false;
        await Eventually.TrueAsync("the row is delivered", async () => (await app.OpenOutboxAsync()).Count == 0, () => time.Advance(TimeSpan.FromMinutes(1)));
        Assert.Equal(1, keap.Upserts);
    }
}
