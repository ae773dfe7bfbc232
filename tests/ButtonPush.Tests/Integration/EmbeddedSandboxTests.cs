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
        await Eventually.TrueAsync("the admin's contact exists", () => app.Sandbox.Contacts.Count == 1);

        app.SandboxFaults.Inject(ContactsRoute, KeapSandboxFault.ServiceUnavailable, count: 3);
        using var user = AppClient.Create(app);
        await user.SignUpAsync(Email);
        await Eventually.TrueAsync("the row has failed", async () => (await app.OpenOutboxAsync()) is [{ Attempts: >= 1 }]);
        var waiting = Assert.Single(await app.OpenOutboxAsync());
        Assert.False(waiting.Parked);
        Assert.Contains("503", waiting.LastError, StringComparison.Ordinal);
        Assert.Contains("pending", await admin.GetPageAsync("/admin"), StringComparison.Ordinal);

        await Eventually.TrueAsync("the outbox is drained", async () => (await app.OpenOutboxAsync()).Count == 0, () => time.Advance(TimeSpan.FromMinutes(1)));

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
        Assert.Contains(">NotConnected<", await admin.GetPageAsync("/admin"), StringComparison.Ordinal);
        Assert.Equal(0, app.Sandbox.AuthorizationCodeExchanges);
    }

    [Fact]
    public async Task A_callback_with_a_state_the_app_did_not_issue_is_rejected()
    {
        await using var app = new ButtonPushApp();
        using var admin = AppClient.Create(app);
        await admin.SignUpAsync(ButtonPushApp.AdminEmail);

        using var response = await admin.Http.GetAsync(new Uri("/admin/keap/callback?code=stolen-code&state=forged-state", UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("invalid state", html, StringComparison.Ordinal);
        Assert.Equal(0, app.Sandbox.TokenRequests);
        Assert.Equal(KeapConnectionState.NotConnected, (await app.Services.GetRequiredService<IKeapAuthorization>().GetStatusAsync()).State);
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
        Assert.Contains(">NotConnected<", html, StringComparison.Ordinal);
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
}
