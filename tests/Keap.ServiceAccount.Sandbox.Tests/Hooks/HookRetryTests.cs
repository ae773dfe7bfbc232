using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using static Keap.ServiceAccount.Sandbox.Tests.Hooks.HookSubscriptionTests;
using static Keap.ServiceAccount.Sandbox.Tests.SandboxTestHost;

namespace Keap.ServiceAccount.Sandbox.Tests.Hooks;

public sealed class HookRetryTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_receiver_down_then_back_gets_the_delivery_later_once_on_the_retry_schedule()
    {
        await using var scene = await HookScene.StartAsync();
        var (host, receiver, api, attempts) = scene;
        await scene.SubscribeAsync("contact.add");
        receiver.Script(ReceiverAnswer.Abort, ReceiverAnswer.Status);
        receiver.Status = 503;

        await CreateContactAsync(api, "ada@example.com");
        host.Clock.Advance(TimeSpan.FromSeconds(30));
        var down = await attempts.NextAsync();
        host.Clock.Advance(TimeSpan.FromSeconds(44));
        host.Clock.Advance(TimeSpan.FromSeconds(1));
        var unavailable = await attempts.NextAsync();
        host.Clock.Advance(TimeSpan.FromMinutes(5));
        var delivered = await attempts.NextAsync();
        host.Clock.Advance(TimeSpan.FromHours(2));

        Assert.Equal((1, (int?)null, "Retrying", Start.AddSeconds(30)), (down.Attempt, down.StatusCode, down.Outcome, down.Time));
        Assert.Equal((2, (int?)503, "Retrying", Start.AddSeconds(75)), (unavailable.Attempt, unavailable.StatusCode, unavailable.Outcome, unavailable.Time));
        Assert.Equal((3, (int?)200, "Delivered", Start.AddSeconds(75).AddMinutes(5)), (delivered.Attempt, delivered.StatusCode, delivered.Outcome, delivered.Time));
        Assert.Equal(0, host.Server.Hooks.UndeliveredObjects);
        // The handshake and three attempts of the same delivery, the same object each time.
        Assert.Equal(4, receiver.Count);
        Assert.Equal(3, host.Server.Hooks.Attempts.Count);
        Assert.Equal("Verified", host.Server.Hooks.Subscriptions.Single().Status);
    }

    [Fact]
    public async Task A_receiver_that_always_fails_makes_the_hook_Inactive_after_four_attempts_until_verify_succeeds()
    {
        await using var scene = await HookScene.StartAsync();
        var (host, receiver, api, attempts) = scene;
        var key = (string)(await scene.SubscribeAsync("contact.add"))["key"]!;
        receiver.Default = ReceiverAnswer.Status;

        await CreateContactAsync(api, "ada@example.com");
        var ended = new List<KeapSandboxHookAttempt>();
        foreach (var wait in new[] { TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(45), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30) })
        {
            // In two steps: an attempt made early would carry the first step's time.
            host.Clock.Advance(wait - TimeSpan.FromSeconds(1));
            host.Clock.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal("contact.add", (string?)(await receiver.NextAsync()).Json["event_key"]);
            ended.Add(await attempts.NextAsync());
        }

        await CreateContactAsync(api, "bob@example.com");
        var collectedWhileInactive = host.Server.Hooks.CollectedObjects;
        host.Clock.Advance(TimeSpan.FromHours(12));
        var hook = await api.GetFromJsonAsync<JsonObject>($"rest/v1/hooks/{key}");
        receiver.Default = ReceiverAnswer.Ok;
        var verified = await JsonAsync(await api.PostAsync($"rest/v1/hooks/{key}/verify", null));
        var handshake = await receiver.NextAsync();

        Assert.Equal([1, 2, 3, 4], ended.Select(a => a.Attempt));
        // First attempt 30 s after the change, then 45 s, 5 min and 30 min after each failure.
        Assert.Equal([Start.AddSeconds(30), Start.AddSeconds(75), Start.AddSeconds(375), Start.AddSeconds(2175)], ended.Select(a => a.Time));
        Assert.Equal(["Retrying", "Retrying", "Retrying", "Inactive"], ended.Select(a => a.Outcome));
        Assert.All(ended, a => Assert.Equal(500, a.StatusCode));
        Assert.Equal("Inactive", (string?)hook!["status"]);
        Assert.Equal(0, collectedWhileInactive);
        Assert.Equal(0, host.Server.Hooks.UndeliveredObjects);
        // Four attempts, then only the handshake of the verify: Keap stopped delivering.
        Assert.NotNull(handshake.Secret);
        Assert.Equal("", handshake.Body);
        Assert.Equal(6, receiver.Count);
        Assert.Equal("Verified", (string?)verified["status"]);

        // Verified again: new changes are delivered.
        var carol = await CreateContactAsync(api, "carol@example.com");
        host.Clock.Advance(TimeSpan.FromSeconds(30));
        var resumed = (await receiver.NextAsync()).Json;
        Assert.Equal(carol, ((long)resumed["object_keys"]![0]!["id"]!).ToString(CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_410_makes_the_hook_Inactive_at_once()
    {
        await using var scene = await HookScene.StartAsync();
        var (host, receiver, api, attempts) = scene;
        await scene.SubscribeAsync("contact.add");
        receiver.Script(ReceiverAnswer.Status);
        receiver.Status = 410;

        await CreateContactAsync(api, "ada@example.com");
        host.Clock.Advance(TimeSpan.FromSeconds(30));
        var gone = await attempts.NextAsync();

        Assert.Equal((1, (int?)410, "Inactive"), (gone.Attempt, gone.StatusCode, gone.Outcome));
        Assert.Equal("Inactive", host.Server.Hooks.Subscriptions.Single().Status);
        Assert.Equal(0, host.Server.Hooks.UndeliveredObjects);
    }

    [Fact]
    public async Task No_answer_within_the_delivery_timeout_is_a_failure()
    {
        await using var scene = await HookScene.StartAsync();
        var (host, receiver, api, attempts) = scene;
        await scene.SubscribeAsync("contact.add");
        receiver.Script(ReceiverAnswer.Hang);

        await CreateContactAsync(api, "ada@example.com");
        host.Clock.Advance(TimeSpan.FromSeconds(30));
        await receiver.NextAsync();
        host.Clock.Advance(TimeSpan.FromSeconds(30));
        var timedOut = await attempts.NextAsync();

        Assert.Equal((1, (int?)null, "Retrying", Start.AddSeconds(30)), (timedOut.Attempt, timedOut.StatusCode, timedOut.Outcome, timedOut.Time));
    }

    [Fact]
    public async Task Configured_retry_delays_set_the_number_of_attempts()
    {
        await using var scene = await HookScene.StartAsync(o =>
        {
            o.Hooks.DeliveryDelay = TimeSpan.FromSeconds(5);
            o.Hooks.RetryDelays.Add(TimeSpan.FromSeconds(10));
        });
        var (host, receiver, api, attempts) = scene;
        await scene.SubscribeAsync("contact.add");
        receiver.Default = ReceiverAnswer.Status;

        await CreateContactAsync(api, "ada@example.com");
        host.Clock.Advance(TimeSpan.FromSeconds(5));
        var first = await attempts.NextAsync();
        host.Clock.Advance(TimeSpan.FromSeconds(10));
        var last = await attempts.NextAsync();

        Assert.Equal(("Retrying", Start.AddSeconds(5)), (first.Outcome, first.Time));
        Assert.Equal(("Inactive", 2, Start.AddSeconds(15)), (last.Outcome, last.Attempt, last.Time));
    }

    [Fact]
    public async Task A_hook_turned_Inactive_outside_a_request_stays_Inactive_across_a_restart()
    {
        var file = Path.Combine(Path.GetTempPath(), $"keap-sandbox-hooks-{Guid.NewGuid():N}.json");
        try
        {
            await using var receiver = await HookReceiver.StartAsync();
            string key;
            await using (var first = await StartAsync(o => o.StateFile = file))
            {
                using var api = first.Api();
                using var attempts = new AttemptWatcher(first.Server.Hooks);
                key = (string)(await SubscribeAsync(api, "contact.add", receiver.Url()))["key"]!;
                receiver.Script(ReceiverAnswer.Status);
                receiver.Status = 410;
                await CreateContactAsync(api, "ada@example.com");
                first.Clock.Advance(TimeSpan.FromSeconds(30));
                Assert.Equal("Inactive", (await attempts.NextAsync()).Outcome);
            }

            await using var second = await StartAsync(o => o.StateFile = file);
            using var again = second.Api();

            Assert.Equal("Inactive", (string?)(await again.GetFromJsonAsync<JsonObject>($"rest/v1/hooks/{key}"))!["status"]);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
