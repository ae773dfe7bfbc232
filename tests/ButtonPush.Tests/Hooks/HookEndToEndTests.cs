using ButtonPush.Hooks;
using Keap.ServiceAccount;
using Keap.ServiceAccount.Sandbox;
using Microsoft.Extensions.DependencyInjection;

namespace ButtonPush.Tests.Hooks;

/// <summary>
/// The app on a loopback port with its embedded sandbox, which subscribes, verifies and delivers over HTTP as Keap does:
/// the sample's default delays (a couple of seconds) keep the walk short, and every wait is for a signal or a state.
/// </summary>
public sealed class HookEndToEndTests
{
    private const string Email = "pat@buttonpush.test";

    private static readonly string[] EventKeys = ["contact.delete", "contact.edit", "contactGroup.applied", "contactGroup.removed"];

    [Fact]
    public async Task Connect_subscribes_verified_and_a_contact_deleted_in_Keap_is_forgotten_then_recreated_and_tagged_at_the_next_press()
    {
        await using var app = LoopbackApp.Start(out _);
        var hooks = app.Services.GetRequiredService<KeapSandboxHooks>();
        using var admin = AppClient.Create(app);

        await admin.ConnectAsAdminAsync();

        // One verified subscription per event key, once the subscription runs (at connect, and the package's) settle.
        var table = await Eventually.ValueAsync(
            "the panel lists one verified subscription per event key",
            async () => System.Text.RegularExpressions.Regex.Match(await admin.GetPageAsync("/admin"), "id=\"hook-subscriptions\".*?</table>", System.Text.RegularExpressions.RegexOptions.Singleline).Value,
            html => System.Text.RegularExpressions.Regex.Count(html, "<tr data-event=") == EventKeys.Length
                && System.Text.RegularExpressions.Regex.Count(html, "<td class=\"\">Verified</td>") == EventKeys.Length
                && EventKeys.All(key => html.Contains($"<tr data-event=\"{key}\">", StringComparison.Ordinal)));
        Assert.DoesNotContain("/keap/hooks", table, StringComparison.Ordinal);
        Assert.Equal(EventKeys, hooks.Subscriptions.Select(s => s.EventKey).Order(StringComparer.Ordinal));
        Assert.All(hooks.Subscriptions, s => Assert.Equal("Verified", s.Status));

        using var pat = AppClient.Create(app);
        await pat.SignUpAsync(Email);
        await pat.PressAsync();
        var contactId = await TaggedContactAsync(app);
        await app.SettledAsync();

        await app.Services.GetRequiredService<IKeapContactsClient>().DeleteAsync(contactId);

        await Eventually.TrueAsync("the deletion reaches the app and is applied", async () => (await app.UserAsync(Email))!.KeapContactId is null);
        var deleted = Assert.Single(await app.HookEventsAsync(), e => e.EventKey == KeapHookEventKey.ContactDelete);
        Assert.Equal(contactId, deleted.ObjectId);
        Assert.Contains("contact deleted in Keap", deleted.Outcome, StringComparison.Ordinal);

        await pat.PressAsync();
        var recreated = await TaggedContactAsync(app);
        Assert.NotEqual(contactId, recreated);
    }

    [Fact]
    public async Task A_delivery_the_receiver_fails_after_storing_it_is_delivered_again_by_the_sandbox_and_applied_once()
    {
        var receiver = new FailingReceiver();
        await using var app = LoopbackApp.Start(
            out _,
            new Dictionary<string, string?> { ["KeapSandbox:Hooks:RetryDelays:0"] = "00:00:01" },
            services => services.AddScoped<IKeapHookHandler>(sp => new FailingHandler(sp.GetRequiredService<ButtonPushHookHandler>(), receiver)));
        var hooks = app.Services.GetRequiredService<KeapSandboxHooks>();
        using var admin = AppClient.Create(app);
        await admin.ConnectAsAdminAsync();
        await Eventually.TrueAsync("every subscription is verified", () => hooks.Subscriptions is { Count: 4 } all && all.All(s => s.Status == "Verified"));
        using var pat = AppClient.Create(app);
        await pat.SignUpAsync(Email);
        await pat.PressAsync();
        var contactId = await TaggedContactAsync(app);
        await app.SettledAsync();

        receiver.FailDeletes = 1;
        await app.Services.GetRequiredService<IKeapContactsClient>().DeleteAsync(contactId);

        // Stored, then answered 503 (as if the answer never reached Keap): Keap's retry carries the same change again.
        var attempts = await Eventually.ValueAsync(
            "the sandbox delivered the deletion again after the failure",
            () => Task.FromResult(hooks.Attempts.Where(a => a.EventKey == "contact.delete").ToList()),
            list => list.Any(a => a.StatusCode == 200));
        Assert.Equal([503, 200], attempts.Select(a => a.StatusCode));
        Assert.Equal(2, receiver.DeleteDeliveries);
        await Eventually.TrueAsync("the deletion is applied", async () => (await app.UserAsync(Email))!.KeapContactId is null);
        var stored = Assert.Single(await app.HookEventsAsync(), e => e.EventKey == KeapHookEventKey.ContactDelete);
        Assert.NotNull(stored.AppliedAt);
        Assert.Single((await app.OpenOutboxAsync()).Concat(await DoneHookRowsAsync(app)), row => row.HookEventId == stored.Id);
    }

    private static async Task<IReadOnlyList<ButtonPush.Outbox.OutboxItem>> DoneHookRowsAsync(ButtonPushApp app) =>
        await app.Services.GetRequiredService<ButtonPush.Outbox.OutboxStore>().ListDeliveredAsync(1_000, CancellationToken.None);

    /// <summary>Waits until Pat's stored contact exists in the sandbox with the <c>buttonpushed</c> tag; returns its id.</summary>
    private static Task<string> TaggedContactAsync(ButtonPushApp app) =>
        Eventually.ValueAsync(
            "Pat's contact is in the sandbox and tagged",
            async () => (await app.UserAsync(Email))?.KeapContactId ?? string.Empty,
            id => id.Length > 0
                && app.Sandbox.Contacts.Any(c => c.Id == id)
                && app.Sandbox.Tags.SingleOrDefault(t => t.Name == "buttonpushed") is { } tag
                && app.Sandbox.TagIdsOf(id).Contains(tag.Id));

    /// <summary>Switches the receiver's failure on for the next contact.delete deliveries.</summary>
    private sealed class FailingReceiver
    {
        private int failDeletes;
        private int deleteDeliveries;

        public int FailDeletes { get => Volatile.Read(ref failDeletes); set => Volatile.Write(ref failDeletes, value); }

        public int DeleteDeliveries => Volatile.Read(ref deleteDeliveries);

        public bool Deliver(KeapHookDelivery delivery)
        {
            if (delivery.EventKey != KeapHookEventKey.ContactDelete)
            {
                return true;
            }

            Interlocked.Increment(ref deleteDeliveries);
            return Interlocked.Decrement(ref failDeletes) < 0;
        }
    }

    /// <summary>The app's handler, then a failure: the delivery is stored but Keap hears 503.</summary>
    private sealed class FailingHandler(ButtonPushHookHandler inner, FailingReceiver receiver) : IKeapHookHandler
    {
        public async Task HandleAsync(KeapHookDelivery delivery, CancellationToken cancellationToken)
        {
            await inner.HandleAsync(delivery, cancellationToken);
            if (!receiver.Deliver(delivery))
            {
                throw new IOException("The receiver failed after storing the delivery.");
            }
        }
    }
}
