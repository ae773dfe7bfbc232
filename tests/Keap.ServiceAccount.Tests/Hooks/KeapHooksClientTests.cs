using System.Text.Json;
using Keap.ServiceAccount.Tests.Http;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;

namespace Keap.ServiceAccount.Tests.Hooks;

public sealed class KeapHooksClientTests : IDisposable
{
    private const string HooksPath = ApiHarness.BasePath + "/rest/v1/hooks";

    private readonly ApiHarness _api = ApiHarness.Start();

    public void Dispose() => _api.Dispose();

    private IKeapHooksClient Hooks => _api.Services.GetRequiredService<IKeapHooksClient>();

    [Fact]
    public async Task Subscribe_posts_event_key_and_hook_url_and_reads_a_numeric_key()
    {
        _api.Server.Given(Request.Create().WithPath(HooksPath).UsingPost())
            .RespondWith(ApiHarness.Json("""{"key":17,"eventKey":"contact.delete","hookUrl":"https://app.example/keap/hooks/s3cr3t","status":"Verified"}"""));

        var hook = await Hooks.SubscribeAsync(KeapHookEventKey.ContactDelete, new Uri("https://app.example/keap/hooks/s3cr3t"));

        Assert.Equal("17", hook.Key);
        Assert.Equal(KeapHookEventKey.ContactDelete, hook.EventKey);
        Assert.Equal(KeapHookStatus.Verified, hook.Status);
        Assert.Equal(new Uri("https://app.example/keap/hooks/s3cr3t"), hook.HookUrl);
        using var body = JsonDocument.Parse(Assert.Single(_api.Requests).RequestMessage.Body!);
        Assert.Equal("contact.delete", body.RootElement.GetProperty("eventKey").GetString());
        Assert.Equal("https://app.example/keap/hooks/s3cr3t", body.RootElement.GetProperty("hookUrl").GetString());
    }

    [Fact]
    public async Task List_reads_keys_sent_as_numbers_or_strings_and_unknown_statuses()
    {
        _api.Server.Given(Request.Create().WithPath(HooksPath).UsingGet()).RespondWith(ApiHarness.Json(
            """[{"key":1,"eventKey":"contact.add","hookUrl":"https://a.example/h/1","status":"Inactive"},{"key":"2","eventKey":"opportunity.add","hookUrl":"https://a.example/h/2","status":"Paused"}]"""));

        var hooks = await Hooks.ListAsync();

        Assert.Equal(["1", "2"], hooks.Select(h => h.Key));
        Assert.Equal(KeapHookStatus.Inactive, hooks[0].Status);
        Assert.Equal("Paused", hooks[1].Status.Value);
        Assert.Equal("opportunity.add", hooks[1].EventKey.Value);
    }

    [Fact]
    public async Task List_leaves_out_another_integrations_entry_it_cannot_read_instead_of_failing_the_whole_list()
    {
        // One broken entry (no key, or a relative URL) of another integration must not stop the reconciler for ever.
        _api.Server.Given(Request.Create().WithPath(HooksPath).UsingGet()).RespondWith(ApiHarness.Json(
            """[{"eventKey":"contact.add","hookUrl":"https://a.example/h/0","status":"Verified"},{"key":"5","eventKey":"contact.edit","hookUrl":"/relative","status":"Verified"},{"key":"6","eventKey":"contact.delete","hookUrl":"https://app.example/keap/hooks/s","status":"Verified"}]"""));

        var hooks = await Hooks.ListAsync();

        Assert.Equal(["6"], hooks.Select(h => h.Key));
    }

    [Fact]
    public async Task ListEventKeys_reads_the_array_of_strings()
    {
        _api.Server.Given(Request.Create().WithPath(HooksPath + "/event_keys").UsingGet())
            .RespondWith(ApiHarness.Json("""["contact.add","contactGroup.removed"]"""));

        var keys = await Hooks.ListEventKeysAsync();

        Assert.Equal([KeapHookEventKey.ContactAdd, KeapHookEventKey.ContactGroupRemoved], keys);
    }

    [Fact]
    public async Task Get_and_delete_of_a_hook_Keap_does_not_have_answer_null_and_false()
    {
        _api.Server.Given(Request.Create().WithPath(HooksPath + "/9").UsingAnyMethod())
            .RespondWith(ApiHarness.Json("""{"code":404,"message":"Hook not found","status":"NOT_FOUND"}""", 404));

        Assert.Null(await Hooks.GetAsync("9"));
        Assert.False(await Hooks.DeleteAsync("9"));
    }

    [Fact]
    public async Task A_404_without_Keaps_error_body_is_an_error_not_a_missing_hook()
    {
        _api.Server.Given(Request.Create().WithPath(HooksPath + "/9").UsingAnyMethod())
            .RespondWith(ApiHarness.Json("""{"message":"no Route matched with those values"}""", 404));

        await Assert.ThrowsAsync<KeapApiException>(() => Hooks.DeleteAsync("9"));
        await Assert.ThrowsAsync<KeapApiException>(() => Hooks.GetAsync("9"));
    }

    [Fact]
    public async Task Update_puts_the_new_event_and_url()
    {
        _api.Server.Given(Request.Create().WithPath(HooksPath + "/4").UsingPut())
            .RespondWith(ApiHarness.Json("""{"key":4,"eventKey":"contact.edit","hookUrl":"https://a.example/h/x","status":"Verified"}"""));

        var hook = await Hooks.UpdateAsync("4", KeapHookEventKey.ContactEdit, new Uri("https://a.example/h/x"));

        Assert.Equal(KeapHookEventKey.ContactEdit, hook.EventKey);
        using var body = JsonDocument.Parse(Assert.Single(_api.Requests).RequestMessage.Body!);
        Assert.Equal("contact.edit", body.RootElement.GetProperty("eventKey").GetString());
    }

    [Fact]
    public async Task DelayedVerify_sends_the_hook_secret_header()
    {
        _api.Server.Given(Request.Create().WithPath(HooksPath + "/4/delayedVerify").UsingPost())
            .RespondWith(ApiHarness.Json("""{"key":4,"eventKey":"contact.edit","hookUrl":"https://a.example/h/x","status":"Verified"}"""));

        var hook = await Hooks.DelayedVerifyAsync("4", "handshake-value");

        Assert.Equal(KeapHookStatus.Verified, hook.Status);
        Assert.Equal("handshake-value", Assert.Single(_api.Requests).RequestMessage.Headers!["X-Hook-Secret"].Single());
    }

    [Fact]
    public async Task Verify_after_a_503_is_sent_again_but_subscribe_is_not()
    {
        _api.Server.Given(Request.Create().WithPath(HooksPath + "/4/verify").UsingPost()).InScenario("verify").WillSetStateTo("failed once")
            .RespondWith(ApiHarness.Json("""{"code":503,"message":"busy","status":"UNAVAILABLE"}""", 503));
        _api.Server.Given(Request.Create().WithPath(HooksPath + "/4/verify").UsingPost()).InScenario("verify").WhenStateIs("failed once")
            .RespondWith(ApiHarness.Json("""{"key":4,"eventKey":"contact.edit","hookUrl":"https://a.example/h/x","status":"Verified"}"""));
        _api.Server.Given(Request.Create().WithPath(HooksPath).UsingPost())
            .RespondWith(ApiHarness.Json("""{"code":503,"message":"busy","status":"UNAVAILABLE"}""", 503));

        var verified = await Hooks.VerifyAsync("4");
        await Assert.ThrowsAsync<KeapApiException>(() => Hooks.SubscribeAsync(KeapHookEventKey.ContactEdit, new Uri("https://a.example/h/x")));

        Assert.Equal(KeapHookStatus.Verified, verified.Status);
        Assert.Equal(2, _api.Requests.Count(r => r.RequestMessage.Path.EndsWith("/verify", StringComparison.Ordinal)));
        Assert.Equal(1, _api.Requests.Count(r => r.RequestMessage.Path == HooksPath));
    }
}
