using System.Net;
using Keap.ServiceAccount;
using Keap.ServiceAccount.Sandbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ButtonPush.Tests.Integration;

/// <summary>The app as `dotnet run` starts it: no Keap credentials, so it hosts the sandbox and the real package talks to it.</summary>
public sealed class EmbeddedSandboxTests
{
    private const string Email = "pat@buttonpush.test";
    private const string ContactsRoute = "POST rest/v2/contacts";

    [Fact]
    public async Task Admin_connects_then_sign_up_creates_the_contact_and_the_first_press_tags_it()
    {
        await using var app = new ButtonPushApp();
        using var admin = AppClient.Create(app);
        var callback = await admin.ConnectAsAdminAsync();
        Assert.Contains("Connected to Keap", callback, StringComparison.Ordinal);
        Assert.Contains(">Connected<", await admin.GetPageAsync("/admin"), StringComparison.Ordinal);
        // Connecting starts the REST hook reconciliation in the background (it lists and subscribes): let it finish, so
        // the Keap calls counted below are the presses' only. On a busy machine it ran past the first press.
        await Eventually.TrueAsync("the hook subscriptions are reconciled", () => app.Logs.GetSnapshot().Any(r => r.Id.Name == "HooksReconciled"));

        using var user = AppClient.Create(app);
        await user.SignUpAsync(Email, "Pat Presser");
        await Eventually.TrueAsync("the contact ID is stored", async () => (await app.UserAsync(Email))?.KeapContactId is not null);
        var contactId = (await app.UserAsync(Email))!.KeapContactId!;
        var contact = Assert.Single(app.Sandbox.Contacts, c => c.Id == contactId);
        Assert.Contains(Email, contact.EmailAddresses);
        Assert.Equal("Pat Presser", contact.GivenName);

        await user.PressAsync();
        await Eventually.TrueAsync("the tag is applied", () => app.Sandbox.TagIdsOf(contactId).Count == 1);
        var tag = Assert.Single(app.Sandbox.Tags, t => t.Name == "buttonpushed");
        Assert.Equal([tag.Id], app.Sandbox.TagIdsOf(contactId));
        await Eventually.TrueAsync("the outbox is drained", async () => (await app.OpenOutboxAsync()).Count == 0);

        var callsAfterFirstPress = app.Sandbox.ApiRequests;
        Assert.Equal(2, AppClient.PressCount(await user.PressAsync()));
        Assert.Equal(3, AppClient.PressCount(await user.PressAsync()));
        Assert.Equal(3, await app.OutboxRowCountAsync()); // admin sign-up, user sign-up, first press
        Assert.Empty(await app.OpenOutboxAsync());
        Assert.Equal(callsAfterFirstPress, app.Sandbox.ApiRequests);
    }

    [Fact]
    public async Task While_Keap_answers_503_rows_wait_and_after_recovery_the_contact_is_created_exactly_once()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new ButtonPushApp(time);
        using var admin = AppClient.Create(app);
        await admin.ConnectAsAdminAsync();
        // The package's rate limiter spaces Keap calls on the app's clock (an upsert reads the stored contact first,
        // so it is two calls): the clock must move for the second one.
        var spacing = () => time.Advance(TimeSpan.FromMilliseconds(50));
        await Eventually.TrueAsync("the admin's contact exists", () => app.Sandbox.Contacts.Count == 1, spacing);

        app.SandboxFaults.Inject(ContactsRoute, KeapSandboxFault.ServiceUnavailable, count: 3);
        using var user = AppClient.Create(app);
        await user.SignUpAsync(Email);
        await Eventually.TrueAsync("the row has failed", async () => (await app.OpenOutboxAsync()) is [{ Attempts: >= 1 }], spacing);
        var waiting = Assert.Single(await app.OpenOutboxAsync());
        Assert.False(waiting.Parked);
        Assert.Contains("503", waiting.LastError, StringComparison.Ordinal);
        Assert.Contains("pending", await admin.GetPageAsync("/admin"), StringComparison.Ordinal);

        // A minute at a time only while no row is being run: a jump during a call in flight would time it out after
        // Keap applied it, and the row would rightly send it again, which is not what this test counts.
        await Eventually.TrueAsync("the outbox is drained", async () =>
        {
            var open = await app.OpenOutboxAsync();
            time.Advance(open.Any(r => r.ClaimedUntil > time.GetUtcNow()) ? TimeSpan.FromMilliseconds(50) : TimeSpan.FromMinutes(1));
            return open.Count == 0;
        });

        Assert.Single(app.Sandbox.Contacts, c => c.EmailAddresses.Contains(Email));
        Assert.Equal(2, app.Sandbox.Contacts.Count);
        Assert.Equal(1 + 3 + 1, app.Sandbox.ApiRequestCount(ContactsRoute)); // admin, three 503s, the delivery
    }

    [Fact]
    public async Task Denying_on_the_consent_page_is_shown_and_leaves_the_app_not_connected()
    {
        await using var app = new ButtonPushApp();
        using var admin = AppClient.Create(app);

        var callback = await admin.ConnectAsAdminAsync(allow: false);

        Assert.Contains("Access was denied", callback, StringComparison.Ordinal);
        Assert.Contains("data-outcome=\"Denied\"", callback, StringComparison.Ordinal);
        Assert.Contains(">Not connected<", await admin.GetPageAsync("/admin"), StringComparison.Ordinal);
        Assert.Equal(0, app.Sandbox.AuthorizationCodeExchanges);
    }

    [Fact]
    public async Task A_forged_callback_is_shown_on_the_admin_panel_only_and_changes_neither_health_nor_last_error()
    {
        await using var app = new ButtonPushApp();
        using var admin = AppClient.Create(app);
        await admin.ConnectAsAdminAsync();
        await Eventually.TrueAsync("the outbox is drained", async () => (await app.OpenOutboxAsync()).Count == 0);
        Assert.Equal("Healthy", await HealthAsync(admin));

        using var response = await admin.Http.GetAsync(new Uri("/admin/keap/callback?code=stolen-code&state=forged-state", UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal("/admin", response.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("invalid state", html, StringComparison.Ordinal);
        Assert.Contains("data-outcome=\"InvalidState\"", html, StringComparison.Ordinal);
        Assert.Equal("–", AppClient.Text(html, "last-error"));
        Assert.Equal("Connected", AppClient.Text(html, "state"));
        Assert.Equal("Healthy", await HealthAsync(admin));
        Assert.Equal(1, app.Sandbox.AuthorizationCodeExchanges);
    }

    [Fact]
    public async Task A_forged_callback_while_connected_is_shown_as_a_refusal_with_one_message_that_does_not_contradict_itself()
    {
        await using var app = new ButtonPushApp();
        using var admin = AppClient.Create(app);
        await admin.ConnectAsAdminAsync();

        var html = await admin.GetPageAsync("/admin/keap/callback?code=x&state=tampered");

        Assert.Contains("<p class=\"flash error\" id=\"message\" data-outcome=\"InvalidState\">", html, StringComparison.Ordinal);
        var message = AppClient.Text(html, "message");
        Assert.Contains("forged", message, StringComparison.Ordinal);
        Assert.DoesNotContain("already used", message, StringComparison.Ordinal);
        Assert.DoesNotContain("expired", message, StringComparison.Ordinal);
        Assert.Equal("Connected", AppClient.Text(html, "state"));
    }

    [Fact]
    public async Task The_callback_redirects_to_the_admin_panel_and_a_replay_of_it_leaves_the_connection_healthy()
    {
        await using var app = new ButtonPushApp();
        using var admin = AppClient.Create(app, followRedirects: false);
        await admin.SignUpAsync(ButtonPushApp.AdminEmail);
        using var connect = await admin.PostFormAsync("/admin", "/admin?handler=Connect");
        using var browser = new HttpClient(app.Server.CreateHandler()) { BaseAddress = app.PublicBaseUrl };
        var consent = await browser.GetStringAsync(connect.Headers.Location);
        var form = AppClient.ConsentForm(consent, "allow");
        using var decision = await browser.PostAsync(connect.Headers.Location, new FormUrlEncodedContent(form));
        var callbackUrl = decision.Headers.Location!.PathAndQuery;

        // Post/redirect/get: the code never stays in the address bar.
        using var callback = await admin.Http.GetAsync(new Uri(callbackUrl, UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        Assert.Equal("/admin", callback.Headers.Location!.OriginalString);
        var panel = await admin.GetPageAsync("/admin");
        Assert.Contains("Connected to Keap", panel, StringComparison.Ordinal);
        Assert.Contains("data-outcome=\"Connected\"", panel, StringComparison.Ordinal);

        // The back button (or a stale tab) brings the spent callback URL again.
        using var replay = await admin.Http.GetAsync(new Uri(callbackUrl, UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, replay.StatusCode);
        var afterReplay = await admin.GetPageAsync("/admin");
        Assert.Contains("already used", afterReplay, StringComparison.Ordinal);
        Assert.DoesNotContain("class=\"flash error\"", afterReplay, StringComparison.Ordinal);
        Assert.Contains(">Connected<", afterReplay, StringComparison.Ordinal);
        Assert.Equal("–", AppClient.Text(afterReplay, "last-error"));
        Assert.Equal("Healthy", await HealthAsync(admin));
        Assert.Equal(1, app.Sandbox.AuthorizationCodeExchanges);
    }

    [Fact]
    public async Task Refresh_now_and_disconnect_work_from_the_admin_panel()
    {
        await using var app = new ButtonPushApp();
        using var admin = AppClient.Create(app);
        await admin.ConnectAsAdminAsync();

        using var refresh = await admin.PostFormAsync("/admin", "/admin?handler=Refresh");
        Assert.Contains("The access token was refreshed", await refresh.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, app.Sandbox.Refreshes);

        using var disconnect = await admin.PostFormAsync("/admin", "/admin?handler=Disconnect");
        var html = await disconnect.Content.ReadAsStringAsync();
        Assert.Contains("Disconnected from Keap", html, StringComparison.Ordinal);
        Assert.Contains(">Not connected<", html, StringComparison.Ordinal);
    }

    private static async Task<string> HealthAsync(AppClient client)
    {
        using var response = await client.Http.GetAsync(new Uri("/healthz", UriKind.Relative));
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task The_token_never_appears_in_logs_pages_or_the_database_in_clear()
    {
        await using var app = new ButtonPushApp();
        using var admin = AppClient.Create(app);
        await admin.ConnectAsAdminAsync();
        using var user = AppClient.Create(app);
        await user.SignUpAsync(Email);
        await user.PressAsync();
        await Eventually.TrueAsync("the outbox is drained", async () => (await app.OpenOutboxAsync()).Count == 0);
        using (await admin.PostFormAsync("/admin", "/admin?handler=Refresh"))
        {
        }

        var token = (await app.Services.GetRequiredService<ITokenStore>().GetAsync())!.Token;
        string[] secrets = [token.AccessToken, token.RefreshToken];
        var pages = string.Concat(await admin.GetPageAsync("/admin"), await user.GetPageAsync("/"), await admin.GetPageAsync("/healthz"));
        var logs = app.Logs.GetSnapshot();
        var stored = await app.SystemSettingsAsync();

        Assert.NotEmpty(logs);
        Assert.NotEmpty(stored);
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(logs, record => record.Message.Contains(secret, StringComparison.Ordinal) || (record.Exception?.ToString().Contains(secret, StringComparison.Ordinal) ?? false));
            Assert.DoesNotContain(secret, pages, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, stored, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_connection_survives_a_restart_because_the_token_lives_encrypted_in_system_settings()
    {
        var dataFolder = ButtonPushApp.NewDataFolder();
        try
        {
            await using (var first = new ButtonPushApp(dataFolder: dataFolder))
            {
                using var admin = AppClient.Create(first);
                await admin.ConnectAsAdminAsync();
            }

            // A new app on the same data folder can only report Connected by decrypting the stored row
            // with the persisted Data Protection keys.
            await using var second = new ButtonPushApp(dataFolder: dataFolder);
            var status = await second.Services.GetRequiredService<IKeapAuthorization>().GetStatusAsync();
            Assert.Equal(KeapConnectionState.Connected, status.State);
            Assert.Equal("sandbox.infusionsoft.com", status.Account);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dataFolder, recursive: true);
        }
    }

    [Fact]
    public async Task After_a_restart_the_embedded_sandbox_still_knows_the_connection_the_contacts_and_the_tags()
    {
        var dataFolder = ButtonPushApp.NewDataFolder();
        try
        {
            string patContact;
            await using (var first = new ButtonPushApp(dataFolder: dataFolder))
            {
                using var admin = AppClient.Create(first);
                await admin.ConnectAsAdminAsync();
                using var pat = AppClient.Create(first);
                await pat.SignUpAsync(Email, "Pat Presser");
                await pat.PressAsync();
                await Eventually.TrueAsync("the outbox is drained", async () => (await first.OpenOutboxAsync()).Count == 0);
                patContact = (await first.UserAsync(Email))!.KeapContactId!;
            }

            await using var second = new ButtonPushApp(dataFolder: dataFolder);
            using var admin2 = AppClient.Create(second);
            await admin2.LogInAsync(ButtonPushApp.AdminEmail);

            // Keap's side kept everything: the contact, its tag, and the token the app holds.
            var tag = Assert.Single(second.Sandbox.Tags, t => t.Name == "buttonpushed");
            Assert.Equal([tag.Id], second.Sandbox.TagIdsOf(patContact));
            Assert.Contains(Email, Assert.Single(second.Sandbox.Contacts, c => c.Id == patContact).EmailAddresses);

            // The first Keap calls after the restart work: a refresh and a new user's contact, with a new id.
            using (var refresh = await admin2.PostFormAsync("/admin", "/admin?handler=Refresh"))
            {
                Assert.Contains("The access token was refreshed", await refresh.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            using var sam = AppClient.Create(second);
            await sam.SignUpAsync("sam@buttonpush.test", "Sam");
            await Eventually.TrueAsync("Sam's contact exists", async () => (await second.UserAsync("sam@buttonpush.test"))?.KeapContactId is not null);
            var samContact = (await second.UserAsync("sam@buttonpush.test"))!.KeapContactId!;
            Assert.NotEqual(patContact, samContact);
            Assert.Equal(3, second.Sandbox.Contacts.Count);
            Assert.Equal(0, second.Sandbox.InvalidGrants);
            Assert.Equal("Connected", AppClient.Text(await admin2.GetPageAsync("/admin"), "state"));
            Assert.Equal("Healthy", await HealthAsync(admin2));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dataFolder, recursive: true);
        }
    }

    [Fact]
    public async Task If_Keaps_data_was_reset_the_stored_contact_id_is_checked_and_the_right_person_is_tagged()
    {
        await using var app = new ButtonPushApp();
        using var admin = AppClient.Create(app);
        await admin.ConnectAsAdminAsync();
        // Each connect subscribes to the REST hooks, whose keys the sandbox takes from the contacts' id sequence (how
        // many depends on how the subscription runs overlap): people signed up first keep Pat's id above them.
        await HooksSettledAsync(app);
        foreach (var early in Enumerable.Range(1, 4))
        {
            using var person = AppClient.Create(app);
            await person.SignUpAsync($"early{early}@buttonpush.test", "Early");
        }

        using var pat = AppClient.Create(app);
        await pat.SignUpAsync(Email, "Pat Presser");
        await Eventually.TrueAsync("the outbox is drained", async () => (await app.OpenOutboxAsync()).Count == 0);
        var oldContact = (await app.UserAsync(Email))!.KeapContactId!;

        // Keap's data is wiped (tokens too), the admin connects again, and new people get the old ids.
        app.Sandbox.Reset();
        using var again = AppClient.Create(app);
        await again.LogInAsync(ButtonPushApp.AdminEmail);
        await ReconnectAsync(app, again);
        await HooksSettledAsync(app);
        var old = long.Parse(oldContact, System.Globalization.CultureInfo.InvariantCulture);
        var ann = 0;
        while (await NextIdAsync(app, ++ann) < old - 1)
        {
            // Each new person takes the next id, up to the one just before Pat's old one.
        }

        using var mallory = AppClient.Create(app);
        await mallory.SignUpAsync("mallory@buttonpush.test", "Mallory");
        await Eventually.TrueAsync("the outbox is drained", async () => (await app.OpenOutboxAsync()).Count == 0);
        var mallorysContact = (await app.UserAsync("mallory@buttonpush.test"))!.KeapContactId!;
        Assert.Equal(oldContact, mallorysContact);

        await pat.PressAsync();
        await Eventually.TrueAsync("the outbox is drained", async () => (await app.OpenOutboxAsync()).Count == 0);

        var patsContact = (await app.UserAsync(Email))!.KeapContactId!;
        Assert.NotEqual(oldContact, patsContact);
        Assert.Contains(Email, Assert.Single(app.Sandbox.Contacts, c => c.Id == patsContact).EmailAddresses);
        Assert.Single(app.Sandbox.TagIdsOf(patsContact));
        Assert.Empty(app.Sandbox.TagIdsOf(mallorysContact));
    }

    /// <summary>Waits until the sandbox holds one subscription per configured event key and no run changes them any more.</summary>
    private static Task HooksSettledAsync(ButtonPushApp app) =>
        Eventually.TrueAsync(
            "the REST hook subscriptions are made",
            async () => app.Services.GetRequiredService<KeapSandboxHooks>().Subscriptions.Count == 4
                && app.Services.GetRequiredService<ButtonPush.Hooks.HookSubscriptionsView>().Current is not null
                && app.Logs.GetSnapshot().Any(r => r.Id.Name == "HooksReconciled")
                && (await app.OpenOutboxAsync()).Count == 0);

    /// <summary>Signs up one more person (an "Ann") and returns the id Keap gave their contact.</summary>
    private static async Task<long> NextIdAsync(ButtonPushApp app, int n)
    {
        using var person = AppClient.Create(app);
        await person.SignUpAsync($"ann{n}@buttonpush.test", "Ann");
        var id = await Eventually.ValueAsync($"ann{n}'s contact is created", async () => (await app.UserAsync($"ann{n}@buttonpush.test"))?.KeapContactId, id => id is not null);
        return long.Parse(id!, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task ReconnectAsync(ButtonPushApp app, AppClient admin)
    {
        using var consent = await admin.PostFormAsync("/admin", "/admin?handler=Connect");
        var consentHtml = await consent.Content.ReadAsStringAsync();
        using var content = new FormUrlEncodedContent(AppClient.ConsentForm(consentHtml, "allow"));
        using var callback = await admin.Http.PostAsync(consent.RequestMessage!.RequestUri, content);
        Assert.Equal("Connected", AppClient.Text(await callback.Content.ReadAsStringAsync(), "state"));
        Assert.True(app.Sandbox.AuthorizationCodeExchanges >= 1);
    }

    [Fact]
    public async Task With_consent_at_sign_up_the_contact_reaches_Keap_with_the_emails_opt_in_reason_and_without_it_with_none()
    {
        await using var app = new ButtonPushApp();
        using var admin = AppClient.Create(app);
        await admin.ConnectAsAdminAsync();
        using var pat = AppClient.Create(app);
        await pat.SignUpAsync(Email, "Pat Presser", marketingConsent: true);
        using var sam = AppClient.Create(app);
        await sam.SignUpAsync("sam@buttonpush.test", "Sam");
        await Eventually.TrueAsync("the outbox is drained", async () => (await app.OpenOutboxAsync()).Count == 0);

        // Read back through the package, as Keap holds them.
        var contacts = app.Services.GetRequiredService<IKeapContactsClient>();
        var patContact = (await contacts.GetAsync((await app.UserAsync(Email))!.KeapContactId!))!;
        var samContact = (await contacts.GetAsync((await app.UserAsync("sam@buttonpush.test"))!.KeapContactId!))!;

        var reason = Assert.Single(patContact.EmailAddresses).OptInReason;
        Assert.StartsWith("Ticked \"Email me ButtonPush news\" when signing up to ButtonPush on ", reason, StringComparison.Ordinal);
        Assert.Null(Assert.Single(samContact.EmailAddresses).OptInReason);
    }
}
