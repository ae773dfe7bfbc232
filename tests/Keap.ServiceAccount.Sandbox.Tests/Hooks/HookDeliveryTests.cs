using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using static Keap.ServiceAccount.Sandbox.Tests.SandboxTestHost;

namespace Keap.ServiceAccount.Sandbox.Tests.Hooks;

public sealed class HookDeliveryTests
{
    [Fact]
    public async Task Contact_create_update_and_delete_are_delivered_after_the_delivery_delay()
    {
        await using var scene = await HookScene.StartAsync();
        var (host, receiver, api, attempts) = scene;
        foreach (var key in new[] { "contact.add", "contact.edit", "contact.delete" })
        {
            await scene.SubscribeAsync(key, "hooks/" + key);
        }

        var id = await CreateContactAsync(api, "ada@example.com");
        (await api.PatchAsJsonAsync($"rest/v2/contacts/{id}", new JsonObject { ["given_name"] = "Grace" })).EnsureSuccessStatusCode();
        (await api.DeleteAsync($"rest/v2/contacts/{id}")).EnsureSuccessStatusCode();
        host.Clock.Advance(TimeSpan.FromSeconds(29));
        var collectedBefore = host.Server.Hooks.CollectedObjects;
        host.Clock.Advance(TimeSpan.FromSeconds(1));
        var collectedAfter = host.Server.Hooks.CollectedObjects;
        var received = new Dictionary<string, JsonObject>();
        for (var i = 0; i < 3; i++)
        {
            var request = await receiver.NextAsync();
            received[request.Path] = request.Json;
            Assert.Equal("Delivered", (await attempts.NextAsync()).Outcome);
        }

        Assert.Equal(3, collectedBefore);
        Assert.Equal(0, collectedAfter);
        var contactUrl = new Uri(host.Server.ApiBaseAddress, $"rest/v2/contacts/{id}").ToString();
        foreach (var (key, apiUrl) in new[] { ("contact.add", contactUrl), ("contact.edit", contactUrl), ("contact.delete", "") })
        {
            var body = received["/hooks/" + key];
            Assert.Equal(["event_key", "object_type", "object_keys"], body.Select(p => p.Key));
            Assert.Equal(key, (string?)body["event_key"]);
            Assert.Equal("contact", (string?)body["object_type"]);
            var item = Assert.Single(body["object_keys"]!.AsArray())!.AsObject();
            Assert.Equal(["id", "apiUrl", "timestamp"], item.Select(p => p.Key));
            Assert.Equal(JsonValueKind.Number, item["id"]!.GetValueKind());
            Assert.Equal(long.Parse(id, CultureInfo.InvariantCulture), (long)item["id"]!);
            Assert.Equal(apiUrl, (string?)item["apiUrl"]);
            Assert.Equal("2026-03-01T12:00:00.000Z", (string?)item["timestamp"]);
        }
    }

    [Fact]
    public async Task Changes_until_the_first_attempt_go_in_one_delivery_and_more_than_1000_are_split()
    {
        await using var scene = await HookScene.StartAsync();
        var (host, receiver, api, _) = scene;
        await scene.SubscribeAsync("contact.add");

        var first = await CreateContactAsync(api, "a@example.com");
        host.Clock.Advance(TimeSpan.FromSeconds(20));
        var second = await CreateContactAsync(api, "b@example.com");
        host.Clock.Advance(TimeSpan.FromSeconds(10));
        var batch = (await receiver.NextAsync()).Json;
        for (var i = 0; i < 1001; i++)
        {
            host.Server.Hooks.Raise("contact.add", 10_000 + i, "");
        }

        host.Clock.Advance(TimeSpan.FromSeconds(30));
        var sizes = new List<int> { (await receiver.NextAsync()).Json["object_keys"]!.AsArray().Count, (await receiver.NextAsync()).Json["object_keys"]!.AsArray().Count };

        Assert.Equal([first, second], batch["object_keys"]!.AsArray().Select(o => ((long)o!["id"]!).ToString(CultureInfo.InvariantCulture)));
        Assert.Equal(["2026-03-01T12:00:00.000Z", "2026-03-01T12:00:20.000Z"], batch["object_keys"]!.AsArray().Select(o => (string?)o!["timestamp"]));
        Assert.Equal([1, 1000], sizes.Order());
    }

    [Fact]
    public async Task Tag_apply_and_remove_wait_the_tag_delay_and_name_the_contact_and_the_tag()
    {
        await using var scene = await HookScene.StartAsync(o => o.Hooks.TagEventDelay = TimeSpan.FromMinutes(7));
        var (host, receiver, api, _) = scene;
        await scene.SubscribeAsync("contactGroup.applied", "hooks/applied");
        await scene.SubscribeAsync("contactGroup.removed", "hooks/removed");
        var contact = await CreateContactAsync(api, "ada@example.com");
        var tag = (string)(await JsonAsync(await api.PostAsJsonAsync("rest/v2/tags", new JsonObject { ["name"] = "vip" })))["id"]!;

        var ids = new JsonObject { ["contact_ids"] = new JsonArray(contact) };
        (await api.PostAsJsonAsync($"rest/v2/tags/{tag}/contacts:applyTags", ids.DeepClone())).EnsureSuccessStatusCode();
        (await api.PostAsJsonAsync($"rest/v2/tags/{tag}/contacts:applyTags", ids.DeepClone())).EnsureSuccessStatusCode();
        (await api.PostAsJsonAsync($"rest/v2/tags/{tag}/contacts:removeTags", ids.DeepClone())).EnsureSuccessStatusCode();
        host.Clock.Advance(TimeSpan.FromMinutes(6));
        var collectedBefore = host.Server.Hooks.CollectedObjects;
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        var received = new[] { await receiver.NextAsync(), await receiver.NextAsync() }.ToDictionary(r => r.Path, r => r.Json);

        // The duplicate apply changed nothing, so it is not an event.
        Assert.Equal(2, collectedBefore);
        foreach (var (path, key) in new[] { ("/hooks/applied", "contactGroup.applied"), ("/hooks/removed", "contactGroup.removed") })
        {
            var body = received[path];
            Assert.Equal(key, (string?)body["event_key"]);
            Assert.Equal("contactGroup", (string?)body["object_type"]);
            var item = Assert.Single(body["object_keys"]!.AsArray())!;
            Assert.Equal(long.Parse(contact, CultureInfo.InvariantCulture), (long)item["id"]!);
            Assert.Equal(long.Parse(tag, CultureInfo.InvariantCulture), (long)item["tag_id"]!);
            Assert.Equal(new Uri(host.Server.ApiBaseAddress, $"rest/v2/contacts/{contact}").ToString(), (string?)item["apiUrl"]);
        }
    }

    [Fact]
    public async Task The_home_page_lists_hooks_and_attempts_but_never_a_hook_url()
    {
        await using var scene = await HookScene.StartAsync();
        var (host, receiver, api, attempts) = scene;
        var key = (string)(await scene.SubscribeAsync("contact.add"))["key"]!;
        await CreateContactAsync(api, "ada@example.com");
        host.Clock.Advance(TimeSpan.FromSeconds(30));
        await attempts.NextAsync();

        var page = await host.Http.GetStringAsync("/");

        Assert.Contains($"{key} contact.add Verified", page, StringComparison.Ordinal);
        Assert.Contains($"hook {key} contact.add (1 objects) attempt 1: 200, Delivered", page, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-path", page, StringComparison.Ordinal);
    }
}
