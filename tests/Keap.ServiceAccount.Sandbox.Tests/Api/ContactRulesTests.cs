using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using static Keap.ServiceAccount.Sandbox.Tests.SandboxTestHost;

namespace Keap.ServiceAccount.Sandbox.Tests.Api;

/// <summary>The contact rules of Keap's v2 spec as the sandbox enforces them.</summary>
public sealed class ContactRulesTests
{
    [Fact]
    public async Task Update_mask_is_a_repeated_query_array_and_a_comma_joined_value_is_refused()
    {
        await using var host = await StartAsync();
        using var api = host.Api();
        var id = await CreateContactAsync(api, "ada@example.com");
        var body = new JsonObject { ["given_name"] = "Ann", ["family_name"] = "Lee", ["job_title"] = "Not in the mask" };

        var joined = await api.PatchAsJsonAsync($"rest/v2/contacts/{id}?update_mask=given_name%2Cfamily_name", body);
        var repeated = await api.PatchAsJsonAsync($"rest/v2/contacts/{id}?update_mask=given_name&update_mask=family_name", body);

        Assert.Equal(HttpStatusCode.BadRequest, joined.StatusCode);
        Assert.Contains("given_name,family_name", (string?)(await JsonAsync(joined))["message"], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, repeated.StatusCode);
        var contact = await JsonAsync(repeated);
        Assert.Equal(("Ann", "Lee"), ((string?)contact["given_name"], (string?)contact["family_name"]));
        Assert.Null(contact["job_title"]);
    }

    [Fact]
    public async Task A_masked_property_the_body_leaves_out_is_cleared_and_the_others_stay()
    {
        await using var host = await StartAsync();
        using var api = host.Api();
        var contact = Contact("ada@example.com");
        contact["job_title"] = "Engineer";
        var id = (string)(await JsonAsync(await api.PostAsJsonAsync("rest/v2/contacts", contact)))["id"]!;

        var cleared = await JsonAsync(await api.PatchAsJsonAsync($"rest/v2/contacts/{id}?update_mask=job_title", new JsonObject()));

        Assert.False(cleared.ContainsKey("job_title"));
        Assert.Equal("Ada", (string?)cleared["given_name"]);
    }

    [Fact]
    public async Task A_written_array_replaces_the_stored_one_whole()
    {
        await using var host = await StartAsync();
        using var api = host.Api();
        var contact = Contact("one@example.com");
        contact["email_addresses"]!.AsArray().Add(new JsonObject { ["email"] = "two@example.com", ["field"] = "EMAIL2" });
        var id = (string)(await JsonAsync(await api.PostAsJsonAsync("rest/v2/contacts", contact)))["id"]!;

        var patched = await JsonAsync(await api.PatchAsJsonAsync(
            $"rest/v2/contacts/{id}?update_mask=email_addresses",
            new JsonObject { ["email_addresses"] = new JsonArray(new JsonObject { ["email"] = "new@example.com", ["field"] = "EMAIL1" }) }));

        Assert.Equal(["new@example.com"], patched["email_addresses"]!.AsArray().Select(e => (string)e!["email"]!));
    }

    [Fact]
    public async Task A_contact_needs_an_email_a_phone_or_an_address_and_a_region_needs_a_country()
    {
        await using var host = await StartAsync();
        using var api = host.Api();

        var bare = await api.PostAsJsonAsync("rest/v2/contacts", new JsonObject { ["given_name"] = "Ada" });
        var region = await api.PostAsJsonAsync("rest/v2/contacts", new JsonObject
        {
            ["addresses"] = new JsonArray(new JsonObject { ["field"] = "BILLING", ["region_code"] = "US-AZ" }),
        });
        var phone = await api.PostAsJsonAsync("rest/v2/contacts", new JsonObject
        {
            ["phone_numbers"] = new JsonArray(new JsonObject { ["number"] = "5551234567", ["field"] = "PHONE1" }),
        });

        Assert.Equal(HttpStatusCode.BadRequest, bare.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, region.StatusCode);
        Assert.Equal(HttpStatusCode.Created, phone.StatusCode);
    }

    [Fact]
    public async Task An_opt_in_reason_makes_an_address_marketable_and_an_address_without_one_is_not()
    {
        await using var host = await StartAsync();
        using var api = host.Api();
        var consenting = Contact("yes@example.com");
        consenting["email_addresses"]![0]!["opt_in_reason"] = "Ticked the box";

        var created = await JsonAsync(await api.PostAsJsonAsync("rest/v2/contacts", consenting));
        await CreateContactAsync(api, "no@example.com");
        var yes = await JsonAsync(await api.GetAsync("rest/v2/emailAddresses/yes@example.com/status"));
        var no = await JsonAsync(await api.GetAsync("rest/v2/emailAddresses/no@example.com/status"));

        Assert.Equal(("SINGLE_OPT_IN", true), ((string?)created["email_addresses"]![0]!["email_opt_status"], (bool?)created["email_addresses"]![0]!["is_opt_in"]));
        Assert.Equal(("SINGLE_OPT_IN", true), ((string?)yes["status"], (bool?)yes["opted_in"]));
        Assert.Equal(("NON_MARKETABLE", false), ((string?)no["status"], (bool?)no["opted_in"]));
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync("rest/v2/emailAddresses/nobody@example.com/status")).StatusCode);
    }

    [Theory]
    [InlineData("NON_MARKETABLE", "SINGLE_OPT_IN")]
    [InlineData("UNENGAGED_NON_MARKETABLE", "SINGLE_OPT_IN")]
    [InlineData("MANUAL", "SINGLE_OPT_IN")]
    [InlineData("LIST_UNSUBSCRIBE", "LIST_UNSUBSCRIBE")]
    [InlineData("ADMIN", "ADMIN")]
    [InlineData("SPAM", "SPAM")]
    [InlineData("HARD_BOUNCE", "HARD_BOUNCE")]
    public async Task An_api_opt_in_changes_only_the_statuses_keap_allows(string before, string after)
    {
        await using var host = await StartAsync();
        using var api = host.Api();
        await CreateContactAsync(api, "ada@example.com");
        host.Server.State.SetEmailStatus("ada@example.com", before);

        var viaStatus = await JsonAsync(await api.PatchAsJsonAsync("rest/v2/emailAddresses/ada@example.com/status", new JsonObject { ["opted_in"] = true, ["reason"] = "Asked again" }));
        host.Server.State.SetEmailStatus("ada@example.com", before);
        var upsert = Contact("ada@example.com");
        upsert["email_addresses"]![0]!["opt_in_reason"] = "Signed up again";
        await api.PostAsJsonAsync("rest/v2/contacts?duplicate_option=Email", upsert);

        Assert.Equal(after, (string?)viaStatus["status"]);
        Assert.Equal(after, host.Server.State.EmailStatusOf("ada@example.com"));
    }

    [Fact]
    public async Task An_api_opt_out_cannot_be_undone_by_an_api_opt_in_and_a_change_needs_a_reason()
    {
        await using var host = await StartAsync();
        using var api = host.Api();
        await CreateContactAsync(api, "ada@example.com");
        await api.PatchAsJsonAsync("rest/v2/emailAddresses/ada@example.com/status", new JsonObject { ["opted_in"] = true, ["reason"] = "Form" });

        var optOut = await JsonAsync(await api.PatchAsJsonAsync("rest/v2/emailAddresses/ada@example.com/status", new JsonObject { ["opted_in"] = false, ["reason"] = "Asked to stop" }));
        var optInAgain = await JsonAsync(await api.PatchAsJsonAsync("rest/v2/emailAddresses/ada@example.com/status", new JsonObject { ["opted_in"] = true, ["reason"] = "Oops" }));
        var noReason = await api.PatchAsJsonAsync("rest/v2/emailAddresses/ada@example.com/status", new JsonObject { ["opted_in"] = true });

        Assert.Equal(("ADMIN", false), ((string?)optOut["status"], (bool?)optOut["opted_in"]));
        Assert.Equal(("ADMIN", false), ((string?)optInAgain["status"], (bool?)optInAgain["opted_in"]));
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
    }

    [Fact]
    public async Task The_contact_model_lists_custom_fields_and_a_contact_may_only_use_their_ids()
    {
        await using var host = await StartAsync();
        using var api = host.Api();
        var color = host.Server.State.AddCustomField("Favorite Color", "DROPDOWN", "Blue", "Green");

        var model = await JsonAsync(await api.GetAsync("rest/v2/contacts/model"));
        var known = Contact("ada@example.com");
        known["custom_fields"] = new JsonArray(new JsonObject { ["id"] = color, ["content"] = "Blue" });
        var unknown = Contact("bob@example.com");
        unknown["custom_fields"] = new JsonArray(new JsonObject { ["id"] = "999", ["content"] = "x" });
        var stored = await JsonAsync(await api.PostAsJsonAsync("rest/v2/contacts", known));

        var field = model["custom_fields"]!.AsArray().Single()!;
        Assert.Equal((color, "Favorite Color", "DROPDOWN"), ((string?)field["id"], (string?)field["label"], (string?)field["field_type"]));
        Assert.Equal(["Blue", "Green"], field["options"]!.AsArray().Select(o => (string)o!["label"]!));
        Assert.Equal("Blue", (string?)stored["custom_fields"]![0]!["content"]);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.PostAsJsonAsync("rest/v2/contacts", unknown)).StatusCode);
    }

    [Fact]
    public async Task Contacts_are_filtered_by_update_time_and_ordered_by_it()
    {
        await using var host = await StartAsync();
        using var api = host.Api();
        var first = await CreateContactAsync(api, "a@example.com");
        var second = await CreateContactAsync(api, "b@example.com");
        host.Clock.Advance(TimeSpan.FromHours(1));
        var since = host.Clock.GetUtcNow();
        await api.PatchAsJsonAsync($"rest/v2/contacts/{second}?update_mask=given_name", new JsonObject { ["given_name"] = "B" });
        host.Clock.Advance(TimeSpan.FromHours(1));
        await api.PatchAsJsonAsync($"rest/v2/contacts/{first}?update_mask=given_name", new JsonObject { ["given_name"] = "A" });

        var filter = Uri.EscapeDataString($"start_update_time=={since.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}");
        var changed = await JsonAsync(await api.GetAsync($"rest/v2/contacts?filter={filter}&order_by=update_time%20asc"));
        var newestFirst = await JsonAsync(await api.GetAsync($"rest/v2/contacts?filter={filter}&order_by=update_time%20desc"));
        var dateOnly = await api.GetAsync("rest/v2/contacts?filter=" + Uri.EscapeDataString("start_update_time==2026-01-01"));

        Assert.Equal([second, first], changed["contacts"]!.AsArray().Select(c => (string)c!["id"]!));
        Assert.Equal([first, second], newestFirst["contacts"]!.AsArray().Select(c => (string)c!["id"]!));
        Assert.Equal(HttpStatusCode.BadRequest, dateOnly.StatusCode);
    }

    [Fact]
    public async Task The_last_page_has_no_token_and_the_repeat_fault_hands_back_the_same_token()
    {
        await using var host = await StartAsync();
        using var api = host.Api();
        for (var i = 0; i < 3; i++)
        {
            await CreateContactAsync(api, $"c{i}@example.com");
        }

        var first = await JsonAsync(await api.GetAsync("rest/v2/contacts?page_size=2"));
        var last = await JsonAsync(await api.GetAsync($"rest/v2/contacts?page_size=2&page_token={first["next_page_token"]}"));
        host.Server.Faults.Inject("GET rest/v2/contacts", KeapSandboxFault.RepeatPageToken);
        var repeated = await JsonAsync(await api.GetAsync($"rest/v2/contacts?page_size=2&page_token={first["next_page_token"]}"));

        Assert.Single(last["contacts"]!.AsArray());
        Assert.False(last.ContainsKey("next_page_token"));
        Assert.Equal((string?)first["next_page_token"], (string?)repeated["next_page_token"]);
    }

    [Fact]
    public async Task A_contact_shows_its_tag_ids_and_only_the_fields_asked_for()
    {
        await using var host = await StartAsync();
        using var api = host.Api();
        var id = await CreateContactAsync(api, "ada@example.com");
        var tag = (string)(await JsonAsync(await api.PostAsJsonAsync("rest/v2/tags", new JsonObject { ["name"] = "vip" })))["id"]!;
        await api.PostAsJsonAsync($"rest/v2/tags/{tag}/contacts:applyTags", new JsonObject { ["contact_ids"] = new JsonArray(id) });

        var full = await JsonAsync(await api.GetAsync($"rest/v2/contacts/{id}"));
        var some = await JsonAsync(await api.GetAsync($"rest/v2/contacts/{id}?fields=email_addresses"));

        Assert.Equal([tag], full["tag_ids"]!.AsArray().Select(t => (string)t!));
        Assert.Equal(["id", "email_addresses"], some.Select(p => p.Key));
    }
}
