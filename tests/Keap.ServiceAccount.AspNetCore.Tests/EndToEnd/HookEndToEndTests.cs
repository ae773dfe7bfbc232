using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;

namespace Keap.ServiceAccount.AspNetCore.Tests.EndToEnd;

/// <summary>
/// Issue 22's "Done when", over loopback: the package's subscriptions (AddHooks), the receiver (AddHookReceiver,
/// MapKeapHooks) and the sandbox firing hooks, each on its own fake clock.
/// </summary>
public sealed class HookEndToEndTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("keap-e2e-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Connecting_subscribes_each_event_key_and_the_handshake_through_the_receiver_verifies_it()
    {
        await using var keap = await SandboxHost.StartAsync();
        await using var app = await AppHost.StartAsync(keap, new Inbox(), AppHost.FreePort());
        Assert.Empty(keap.Hooks.Subscriptions);

        await app.ConnectAsync();

        await World.SubscribedAsync(keap, app);
        var ours = await app.PumpAsync(app.Services.GetRequiredService<IKeapHookSubscriptions>().ListAsync());
        var secret = await app.SecretAsync();
        // Compared without printing: a failure message would put the secret in the test output.
        Assert.True(ours.All(s => s.HookUrl == new Uri(app.BaseAddress, "keap/hooks/" + secret)), "a subscription points elsewhere");
        Assert.Equal(AppHost.EventKeys.Select(k => k.Value).Order(), ours.Select(s => s.EventKey.Value).Order());
        World.NoSecretInLogs(secret, app.Logs, keap.Logs);
    }

    [Fact]
    public async Task A_contact_deleted_in_Keap_reaches_the_handler_after_the_delivery_delay_with_its_id_and_delivery_key()
    {
        await using var keap = await SandboxHost.StartAsync();
        var inbox = new Inbox();
        await using var app = await AppHost.StartAsync(keap, inbox, AppHost.FreePort());
        await app.ConnectAsync();
        await World.SubscribedAsync(keap, app);
        var id = await World.CreateContactAsync(app, "ada@example.com");
        await World.DeliveredAsync(keap, inbox, KeapHookEventKey.ContactAdd, id);

        var deletedAt = keap.Clock.GetUtcNow();
        await World.DeleteContactAsync(app, id);
        Assert.Equal(1, keap.Hooks.CollectedObjects);
        Assert.DoesNotContain(inbox.Changes, c => c.EventKey == KeapHookEventKey.ContactDelete);
        var deleted = await World.DeliveredAsync(keap, inbox, KeapHookEventKey.ContactDelete, id);

        Assert.Equal(id, deleted.Id);
        Assert.Equal(deletedAt, deleted.Timestamp);
        Assert.Equal(string.Create(CultureInfo.InvariantCulture, $"contact.delete:{id}:{deletedAt.UtcDateTime:O}"), deleted.DeliveryKey);
        World.NoSecretInLogs(await app.SecretAsync(), app.Logs, keap.Logs);
    }

    [Fact]
    public async Task A_delivery_made_while_the_receiver_is_stopped_is_retried_and_applied_once_it_is_back()
    {
        await using var keap = await SandboxHost.StartAsync();
        var inbox = new Inbox();
        var port = AppHost.FreePort();
        var tokens = Path.Combine(_dir, "tokens.json");
        var app = await AppHost.StartAsync(keap, inbox, port, store: b => b.UseFileTokenStore(tokens));
        await app.ConnectAsync();
        await World.SubscribedAsync(keap, app);
        var secret = await app.SecretAsync();
        var id = await World.CreateContactAsync(app, "grace@example.com");
        await World.DeliveredAsync(keap, inbox, KeapHookEventKey.ContactAdd, id);
        await World.DeleteContactAsync(app, id);
        var firstLogs = app.Logs;
        await app.DisposeAsync();

        var down = await keap.AdvanceToAttemptAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(("Retrying", (int?)null), (down.Outcome, down.StatusCode));
        await using var back = await AppHost.StartAsync(keap, inbox, port, store: b => b.UseFileTokenStore(tokens));
        var retried = await keap.AdvanceToAttemptAsync(TimeSpan.FromSeconds(45));

        Assert.Equal(("Delivered", 2), (retried.Outcome, retried.Attempt));
        Assert.Single(inbox.Changes, c => c.EventKey == KeapHookEventKey.ContactDelete && c.Object.Id == id);
        Assert.True(secret == await back.SecretAsync(), "the restarted application has another secret");
        World.NoSecretInLogs(secret, firstLogs, back.Logs, keap.Logs);
    }

    [Fact]
    public async Task A_delivery_stored_but_not_acknowledged_comes_again_and_the_handler_applies_it_once()
    {
        await using var keap = await SandboxHost.StartAsync();
        var inbox = new Inbox();
        await using var app = await AppHost.StartAsync(keap, inbox, AppHost.FreePort());
        await app.ConnectAsync();
        await World.SubscribedAsync(keap, app);
        var id = await World.CreateContactAsync(app, "edsger@example.com");

        // The handler stores the change, then fails before the answer: Keap sees a 503 and delivers it again.
        inbox.FailAfterApplying = true;
        var first = await keap.AdvanceToAttemptAsync(TimeSpan.FromSeconds(30));
        inbox.FailAfterApplying = false;
        var second = await keap.AdvanceToAttemptAsync(TimeSpan.FromSeconds(45));

        Assert.Equal(("Retrying", (int?)503), (first.Outcome, first.StatusCode));
        Assert.Equal(("Delivered", (int?)200), (second.Outcome, second.StatusCode));
        Assert.Equal(2, inbox.Calls);
        Assert.Single(inbox.Changes, c => c.Object.Id == id);
    }

    [Fact]
    public async Task A_receiver_that_always_fails_turns_the_hook_Inactive_and_the_next_reconciliation_brings_deliveries_back()
    {
        await using var keap = await SandboxHost.StartAsync();
        var inbox = new Inbox { Failing = true };
        await using var app = await AppHost.StartAsync(keap, inbox, AppHost.FreePort());
        await app.ConnectAsync();
        await World.SubscribedAsync(keap, app);
        await World.ReconciledAsync(app, 1);
        var hook = keap.Of(KeapHookEventKey.ContactAdd).Single().Key;
        await World.CreateContactAsync(app, "barbara@example.com");

        var attempts = new List<Sandbox.KeapSandboxHookAttempt>();
        foreach (var wait in new[] { TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(45), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30) })
        {
            attempts.Add(await keap.AdvanceToAttemptAsync(wait));
        }

        Assert.Equal(["Retrying", "Retrying", "Retrying", "Inactive"], attempts.Select(a => a.Outcome));
        Assert.Equal("Inactive", keap.Of(KeapHookEventKey.ContactAdd).Single().Status);
        inbox.Failing = false;

        app.Clock.Advance(TimeSpan.FromHours(1));
        await World.ReconciledAsync(app, 2);
        Assert.DoesNotContain(app.Logs.GetSnapshot(), r => r.Id.Name == "HooksReconcileFailed");
        await World.SubscribedAsync(keap, app, "the next reconciliation verified the Inactive hook again");
        Assert.Equal(hook, keap.Of(KeapHookEventKey.ContactAdd).Single().Key);
        var id = await World.CreateContactAsync(app, "frances@example.com");
        await World.DeliveredAsync(keap, inbox, KeapHookEventKey.ContactAdd, id);
        World.NoSecretInLogs(await app.SecretAsync(), app.Logs, keap.Logs);
    }

    [Theory]
    [InlineData("keap/hooks/not-the-secret-AAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("keap/hooks")]
    [InlineData("keap/hooks/")]
    public async Task A_request_with_a_wrong_or_missing_path_secret_is_answered_404_and_reaches_no_handler(string path)
    {
        await using var keap = await SandboxHost.StartAsync();
        var inbox = new Inbox();
        await using var app = await AppHost.StartAsync(keap, inbox, AppHost.FreePort());
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        const string Delivery = """{"event_key":"contact.delete","object_type":"contact","object_keys":[{"id":7,"apiUrl":"","timestamp":"2026-12-06T09:00:00.000Z"}]}""";
        using var handshake = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent([]) };
        handshake.Headers.Add("X-Hook-Secret", "keap-handshake");

        using var refused = await http.PostAsync(new Uri(path, UriKind.Relative), new StringContent(Delivery, Encoding.UTF8, "application/json"));
        using var refusedHandshake = await http.SendAsync(handshake);
        using var accepted = await http.PostAsync(new Uri("keap/hooks/" + await app.SecretAsync(), UriKind.Relative), new StringContent(Delivery, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, refusedHandshake.StatusCode);
        Assert.False(refusedHandshake.Headers.Contains("X-Hook-Secret"));
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(1, inbox.Calls);
    }

    [Fact]
    public async Task Two_instances_sharing_a_token_store_reconciling_at_once_keep_one_subscription_per_event_key()
    {
        await using var keap = await SandboxHost.StartAsync();
        var inbox = new Inbox();
        var tokens = Path.Combine(_dir, "shared-tokens.json");
        var port = AppHost.FreePort();
        await using var first = await AppHost.StartAsync(keap, inbox, port, store: b => b.UseFileTokenStore(tokens));
        await using var second = await AppHost.StartAsync(keap, inbox, AppHost.FreePort(), receiverPort: port, store: b => b.UseFileTokenStore(tokens));

        // Connecting wakes the first instance's reconciler; both are asked to reconcile at the same moment too.
        await first.ConnectAsync();
        var reconciling = Task.WhenAll(
            first.Services.GetRequiredService<IKeapHookSubscriptions>().ReconcileAsync(),
            second.Services.GetRequiredService<IKeapHookSubscriptions>().ReconcileAsync(),
            second.Services.GetRequiredService<IKeapHookSubscriptions>().ReconcileAsync());
        await Eventually.TrueAsync(
            "both instances' reconciliations ended, the first instance's own one included",
            () => reconciling.IsCompleted && first.Logs.GetSnapshot().Any(r => r.Id.Name == "HooksReconciled"),
            () =>
            {
                first.Step();
                second.Step();
            });
        await reconciling;

        await World.SubscribedAsync(keap, first);
        Assert.True(await first.SecretAsync() == await second.SecretAsync(), "the instances hold different secrets");
        World.NoSecretInLogs(await first.SecretAsync(), first.Logs, second.Logs, keap.Logs);
    }
}
