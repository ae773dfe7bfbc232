using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using static Keap.ServiceAccount.Sandbox.Tests.SandboxTestHost;

namespace Keap.ServiceAccount.Sandbox.Tests.Hooks;

public sealed class HookSubscriptionTests
{
    internal static async Task<JsonObject> SubscribeAsync(HttpClient api, string eventKey, string hookUrl)
    {
        var response = await api.PostAsJsonAsync("rest/v1/hooks", new JsonObject { ["eventKey"] = eventKey, ["hookUrl"] = hookUrl });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await JsonAsync(response);
    }

    [Fact]
    public async Task Subscribe_sends_a_fresh_secret_and_an_echo_makes_the_hook_Verified()
    {
        await using var host = await StartAsync();
        await using var receiver = await HookReceiver.StartAsync();
        using var api = host.Api();

        var hook = await SubscribeAsync(api, "contact.add", receiver.Url());
        var handshake = await receiver.NextAsync();
        var again = await JsonAsync(await api.PostAsync($"rest/v1/hooks/{hook["key"]}/verify", null));
        var secondHandshake = await receiver.NextAsync();

        Assert.Equal("/keap/hooks/s3cr3t-path", handshake.Path);
        Assert.Equal(64, handshake.Secret!.Length);
        Assert.Equal("", handshake.Body);
        Assert.NotEqual(handshake.Secret, secondHandshake.Secret);
        // Keap's v1 hook resource (RestHook): the key is text, the other three as sent.
        Assert.Equal(["key", "eventKey", "hookUrl", "status"], hook.Select(p => p.Key));
        Assert.Equal(JsonValueKind.String, hook["key"]!.GetValueKind());
        Assert.True(long.TryParse((string)hook["key"]!, out _));
        Assert.Equal("contact.add", (string?)hook["eventKey"]);
        Assert.Equal(receiver.Url(), (string?)hook["hookUrl"]);
        Assert.Equal("Verified", (string?)hook["status"]);
        Assert.Equal("Verified", (string?)again["status"]);
        var listed = Assert.Single((await api.GetFromJsonAsync<JsonArray>("rest/v1/hooks"))!);
        Assert.Equal((string?)hook["key"], (string?)listed!["key"]);
        Assert.Equal(new KeapSandboxHook((string)hook["key"]!, "contact.add", "Verified"), Assert.Single(host.Server.Hooks.Subscriptions));
    }

    [Fact]
    public async Task A_wrong_echo_leaves_the_hook_Unverified_until_delayedVerify_presents_the_secret_sent()
    {
        await using var host = await StartAsync();
        await using var receiver = await HookReceiver.StartAsync();
        receiver.Script(ReceiverAnswer.WrongEcho);
        using var api = host.Api();

        var hook = await SubscribeAsync(api, "contact.delete", receiver.Url());
        var sent = (await receiver.NextAsync()).Secret!;
        var path = $"rest/v1/hooks/{hook["key"]}/delayedVerify";
        var wrong = await api.SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Headers = { { "X-Hook-Secret", "guess" } } });
        var missing = await api.PostAsync(path, null);
        var stillUnverified = await api.GetFromJsonAsync<JsonObject>($"rest/v1/hooks/{hook["key"]}");
        var right = await api.SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Headers = { { "X-Hook-Secret", sent } } });

        Assert.Equal("Unverified", (string?)hook["status"]);
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Contains("X-Hook-Secret does not match", (string?)(await JsonAsync(wrong))["message"], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal("Unverified", (string?)stillUnverified!["status"]);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Equal("Verified", (string?)(await JsonAsync(right))["status"]);
    }

    [Theory]
    [InlineData(ReceiverAnswer.Status)]
    [InlineData(ReceiverAnswer.Abort)]
    public async Task A_failed_handshake_leaves_the_hook_Unverified(ReceiverAnswer answer)
    {
        await using var host = await StartAsync();
        await using var receiver = await HookReceiver.StartAsync();
        receiver.Script(answer);
        using var api = host.Api();

        var hook = await SubscribeAsync(api, "contact.add", receiver.Url());

        Assert.Equal("Unverified", (string?)hook["status"]);
    }

    [Theory]
    [InlineData("https://example.com/keap/hooks/secret-part", "loopback")]
    [InlineData("http://10.0.0.7/keap/hooks/secret-part", "loopback")]
    [InlineData("ftp://127.0.0.1/keap/hooks/secret-part", "absolute http or https")]
    [InlineData("/keap/hooks/secret-part", "absolute http or https")]
    public async Task Hook_urls_off_the_machine_or_not_http_are_refused_without_echoing_them(string hookUrl, string said)
    {
        await using var host = await StartAsync();
        using var api = host.Api();

        var response = await api.PostAsJsonAsync("rest/v1/hooks", new JsonObject { ["eventKey"] = "contact.add", ["hookUrl"] = hookUrl });
        var message = (string)(await JsonAsync(response))["message"]!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(said, message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-part", message, StringComparison.Ordinal);
        Assert.Empty(host.Server.Hooks.Subscriptions);
    }

    [Fact]
    public async Task Event_keys_are_Keaps_list_and_an_unknown_one_is_refused()
    {
        await using var host = await StartAsync();
        await using var receiver = await HookReceiver.StartAsync();
        using var api = host.Api();

        var keys = (await api.GetFromJsonAsync<string[]>("rest/v1/hooks/event_keys"))!;
        var unknown = await api.PostAsJsonAsync("rest/v1/hooks", new JsonObject { ["eventKey"] = "contact.explode", ["hookUrl"] = receiver.Url() });
        var extra = await api.PostAsJsonAsync("rest/v1/hooks", new JsonObject { ["eventKey"] = "contact.add", ["hookUrl"] = receiver.Url(), ["secret"] = "x" });
        var missing = await api.PostAsJsonAsync("rest/v1/hooks", new JsonObject { ["eventKey"] = "contact.add" });
        var query = await api.GetAsync("rest/v1/hooks?limit=5");

        Assert.Subset(keys.ToHashSet(), new HashSet<string>
        {
            "contact.add", "contact.edit", "contact.delete", "contact.redact", "contactGroup.add", "contactGroup.edit",
            "contactGroup.delete", "contactGroup.applied", "contactGroup.removed",
        });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("contact.explode", (string?)(await JsonAsync(unknown))["message"], StringComparison.Ordinal);
        Assert.Contains("'secret'", (string?)(await JsonAsync(extra))["message"], StringComparison.Ordinal);
        Assert.Contains("'hookUrl' is required", (string?)(await JsonAsync(missing))["message"], StringComparison.Ordinal);
        Assert.Contains("'limit'", (string?)(await JsonAsync(query))["message"], StringComparison.Ordinal);
        Assert.Equal(0, receiver.Count);
        Assert.Empty(host.Server.Hooks.Subscriptions);
        // Hook routes are counted (and take faults) under the same kind of key as the v2 routes.
        Assert.Equal(3, host.Server.State.ApiRequestCount("POST rest/v1/hooks"));
        Assert.Equal(1, host.Server.State.ApiRequestCount("GET rest/v1/hooks/event_keys"));
    }

    [Fact]
    public async Task Hooks_need_a_credential_and_unknown_keys_are_not_found()
    {
        await using var host = await StartAsync();
        using var api = host.Api();
        using var anonymous = new HttpClient { BaseAddress = host.Server.ApiBaseAddress };

        var unauthorized = await anonymous.GetAsync("rest/v1/hooks");
        var notFound = await api.GetAsync("rest/v1/hooks/999");
        var notNumber = await api.DeleteAsync("rest/v1/hooks/abc");

        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        Assert.Equal("hook", (string?)(await JsonAsync(notFound))["details"]![0]!["resource"]);
        Assert.Equal(HttpStatusCode.NotFound, notNumber.StatusCode);
    }

    [Fact]
    public async Task Put_moves_the_hook_and_verifies_again_and_delete_removes_it()
    {
        await using var host = await StartAsync();
        await using var receiver = await HookReceiver.StartAsync();
        using var api = host.Api();
        var hook = await SubscribeAsync(api, "contact.add", receiver.Url());
        await receiver.NextAsync();

        var put = await api.PutAsJsonAsync($"rest/v1/hooks/{hook["key"]}", new JsonObject { ["eventKey"] = "contact.edit", ["hookUrl"] = receiver.Url("other/path") });
        var moved = await JsonAsync(put);
        var handshake = await receiver.NextAsync();
        var deleted = await api.DeleteAsync($"rest/v1/hooks/{hook["key"]}");

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal("contact.edit", (string?)moved["eventKey"]);
        Assert.Equal("Verified", (string?)moved["status"]);
        Assert.Equal("/other/path", handshake.Path);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"rest/v1/hooks/{hook["key"]}")).StatusCode);
        Assert.Empty(host.Server.Hooks.Subscriptions);
    }

    [Fact]
    public async Task The_state_file_keeps_the_hooks_across_a_restart()
    {
        var file = Path.Combine(Path.GetTempPath(), $"keap-sandbox-hooks-{Guid.NewGuid():N}.json");
        try
        {
            await using var receiver = await HookReceiver.StartAsync();
            string key;
            await using (var first = await StartAsync(o => o.StateFile = file))
            {
                using var api = first.Api();
                key = (string)(await SubscribeAsync(api, "contact.delete", receiver.Url()))["key"]!;
            }

            await using var second = await StartAsync(o => o.StateFile = file);
            using var again = second.Api();
            var hook = await again.GetFromJsonAsync<JsonObject>($"rest/v1/hooks/{key}");

            Assert.Equal("contact.delete", (string?)hook!["eventKey"]);
            Assert.Equal(receiver.Url(), (string?)hook["hookUrl"]);
            Assert.Equal("Verified", (string?)hook["status"]);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("DeliveryDelay", "KeapSandbox:Hooks:DeliveryDelay")]
    [InlineData("TagEventDelay", "KeapSandbox:Hooks:TagEventDelay")]
    [InlineData("DeliveryTimeout", "KeapSandbox:Hooks:DeliveryTimeout")]
    [InlineData("RetryDelays", "KeapSandbox:Hooks:RetryDelays:1")]
    public async Task Invalid_hook_options_stop_the_start_naming_the_key(string option, string key)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => StartAsync(o =>
        {
            switch (option)
            {
                case "DeliveryDelay": o.Hooks.DeliveryDelay = TimeSpan.FromSeconds(-1); break;
                case "TagEventDelay": o.Hooks.TagEventDelay = TimeSpan.FromSeconds(-1); break;
                case "DeliveryTimeout": o.Hooks.DeliveryTimeout = TimeSpan.Zero; break;
                default: o.Hooks.RetryDelays.Add(TimeSpan.FromSeconds(1)); o.Hooks.RetryDelays.Add(TimeSpan.Zero); break;
            }
        }));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }
}
