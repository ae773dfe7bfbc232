using System.Net.Http.Json;
using System.Text.Json.Nodes;
using static Keap.ServiceAccount.Sandbox.Tests.SandboxTestHost;

namespace Keap.ServiceAccount.Sandbox.Tests;

/// <summary>
/// The sandbox's JSON property names against the schemas of Keap's OpenAPI v2 spec
/// (keap-sdk sdks/v2/swagger.yml), copied here as name lists so the repository does not carry the spec.
/// </summary>
public sealed class SpecShapeTests
{
    // components.schemas.Contact
    private static readonly string[] Contact =
    [
        "id", "links", "addresses", "company", "origin", "prefix", "suffix", "website", "groups", "update_time",
        "create_time", "score_value", "tag_ids", "anniversary_date", "birth_date", "contact_type", "custom_fields",
        "email_addresses", "family_name", "fax_numbers", "given_name", "job_title", "leadsource_id", "middle_name",
        "owner_id", "phone_numbers", "preferred_locale", "preferred_name", "referral_code", "social_accounts",
        "source_type", "spouse_name", "time_zone", "utm_parameters", "account_id", "assistant_name",
        "assistant_phone", "billing_information", "created_by", "last_updated_by",
    ];

    private static readonly string[] EmailAddress = ["email", "field", "opt_in_reason", "is_opt_in", "email_opt_status", "id"];
    private static readonly string[] Tag = ["id", "name", "description", "category", "create_time", "update_time"];
    private static readonly string[] ListContactsResponse = ["contacts", "next_page_token"];
    private static readonly string[] ListTagsResponse = ["tags", "next_page_token"];
    private static readonly string[] AppliedTag = ["tag", "applied_time"];
    private static readonly string[] ApplyTagsResponse = ["results"];
    private static readonly string[] Error = ["code", "message", "status", "details"];
    private static readonly string[] ErrorDetails = ["domain", "resource"];

    // Keap's token response (OAuth docs; not part of the v2 spec).
    private static readonly string[] TokenResponse = ["access_token", "token_type", "expires_in", "refresh_token", "scope"];

    [Fact]
    public async Task Response_property_names_are_the_specs()
    {
        await using var host = await StartAsync();
        using var api = host.Api();

        var contact = await JsonAsync(await api.PostAsJsonAsync("rest/v2/contacts", Contact("ada@example.com")));
        var tag = await JsonAsync(await api.PostAsJsonAsync("rest/v2/tags", new JsonObject { ["name"] = "vip", ["description"] = "d" }));
        var applied = await JsonAsync(await api.PostAsJsonAsync($"rest/v2/tags/{tag["id"]}/contacts:applyTags",
            new JsonObject { ["contact_ids"] = new JsonArray((string)contact["id"]!) }));
        await CreateContactAsync(api, "grace@example.com");
        var contacts = await JsonAsync(await api.GetAsync("rest/v2/contacts?page_size=1"));
        await api.PostAsJsonAsync("rest/v2/tags", new JsonObject { ["name"] = "other" });
        var tags = await JsonAsync(await api.GetAsync("rest/v2/tags?page_size=1"));
        var contactTags = await JsonAsync(await api.GetAsync($"rest/v2/contacts/{contact["id"]}/tags"));
        var error = await JsonAsync(await api.PostAsJsonAsync("rest/v2/tags", new JsonObject { ["name"] = "vip" }));
        var token = await JsonAsync(await host.RefreshAsync(host.Server.IssueToken(ClientId).RefreshToken));

        AssertNames(Contact, contact);
        AssertNames(EmailAddress, contact["email_addresses"]![0]!.AsObject());
        Assert.IsType<string>((string?)contact["id"]);
        AssertNames(Tag, tag);
        AssertNames(ApplyTagsResponse, applied, all: true);
        AssertNames(ListContactsResponse, contacts, all: true);
        AssertNames(ListTagsResponse, tags, all: true);
        AssertNames(AppliedTag, contactTags["tags"]![0]!.AsObject(), all: true);
        AssertNames(Tag, contactTags["tags"]![0]!["tag"]!.AsObject());
        AssertNames(Error, error, all: true);
        AssertNames(ErrorDetails, error["details"]![0]!.AsObject(), all: true);
        AssertNames(TokenResponse, token, all: true);
    }

    [Fact]
    public async Task Every_answer_of_every_route_follows_the_specs_response_schema()
    {
        await using var host = await StartAsync();
        var colour = host.Server.State.AddCustomField("Favorite Color", "DROPDOWN", "Red", "Blue");
        using var api = host.Api();
        var input = Contact("ada@example.com");
        // Only the required keap_source_id and one utm_* value: the touch Keap records leaves the others out.
        input["utm_parameters"] = new JsonObject { ["keap_source_id"] = "42", ["utm_source"] = "newsletter" };
        input["origin"] = new JsonObject();
        input["phone_numbers"] = new JsonArray(new JsonObject { ["number"] = "5551234567", ["field"] = "PHONE1" });
        input["addresses"] = new JsonArray(new JsonObject { ["line1"] = "1 Main St", ["field"] = "BILLING" });
        input["company"] = new JsonObject { ["id"] = "7" };
        input["custom_fields"] = new JsonArray(new JsonObject { ["id"] = colour, ["content"] = "Red" });
        input["email_addresses"]![0]!["opt_in_reason"] = "Signed up";

        var created = await api.PostAsJsonAsync("rest/v2/contacts", input);
        var id = (string)JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!;
        var tag = await JsonAsync(await api.PostAsJsonAsync("rest/v2/tags", new JsonObject { ["name"] = "vip", ["description"] = "d" }));
        var answers = new List<(string Schema, string Route, HttpResponseMessage Response)>
        {
            ("Contact", "POST contacts", created),
            ("Contact", "POST contacts?duplicate_option=Email",
                await api.PostAsJsonAsync("rest/v2/contacts?duplicate_option=Email", Contact("ada@example.com", "Augusta"))),
            ("Contact", "GET contacts/{id}", await api.GetAsync($"rest/v2/contacts/{id}")),
            ("Contact", "PATCH contacts/{id}",
                await api.PatchAsJsonAsync($"rest/v2/contacts/{id}?update_mask=job_title", new JsonObject { ["job_title"] = "Countess" })),
            ("ListContactsResponse", "GET contacts", await api.GetAsync("rest/v2/contacts")),
            ("ObjectModel", "GET contacts/model", await api.GetAsync("rest/v2/contacts/model")),
            ("Tag", "GET tags/{id}", await api.GetAsync($"rest/v2/tags/{tag["id"]}")),
            ("ListTagsResponse", "GET tags", await api.GetAsync("rest/v2/tags")),
            ("ApplyTagsResponse", "POST tags/{id}/contacts:applyTags", await api.PostAsJsonAsync(
                $"rest/v2/tags/{tag["id"]}/contacts:applyTags", new JsonObject { ["contact_ids"] = new JsonArray(id, "999") })),
            ("ListContactTagsResponse", "GET contacts/{id}/tags", await api.GetAsync($"rest/v2/contacts/{id}/tags")),
            ("RestEmailAddressStatus", "GET emailAddresses/{email}/status", await api.GetAsync("rest/v2/emailAddresses/ada@example.com/status")),
            ("RestEmailAddressStatus", "PATCH emailAddresses/{email}/status", await api.PatchAsJsonAsync(
                "rest/v2/emailAddresses/ada@example.com/status", new JsonObject { ["opted_in"] = false, ["reason"] = "asked" })),
            ("Error", "400", await api.PostAsJsonAsync("rest/v2/contacts", new JsonObject())),
            ("Error", "404", await api.GetAsync("rest/v2/contacts/999")),
            ("Error", "409", await api.PostAsJsonAsync("rest/v2/tags", new JsonObject { ["name"] = "vip" })),
            ("Error", "401", await host.Http.GetAsync(new Uri(host.Server.ApiBaseAddress, "rest/v2/contacts"))),
        };
        var tagCreated = await api.PostAsJsonAsync("rest/v2/tags", new JsonObject { ["name"] = "other" });
        answers.Add(("Tag", "POST tags", tagCreated));

        var problems = new List<string>();
        foreach (var (schema, route, response) in answers)
        {
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync());
            problems.AddRange(SpecSchemas.Check(schema, body).Select(p => $"{route} ({(int)response.StatusCode}) {p}"));
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));

        var touch = (await JsonAsync(await api.GetAsync($"rest/v2/contacts/{id}")))["utm_parameters"]![0]!.AsObject();
        Assert.Equal("newsletter", (string?)touch["utmSource"]);
        Assert.False(touch.ContainsKey("utmCampaign"));
    }

    /// <summary>Every property is one the spec names; with <paramref name="all"/>, every spec name is present.</summary>
    private static void AssertNames(string[] spec, JsonObject actual, bool all = false)
    {
        var names = actual.Select(p => p.Key).ToList();
        Assert.Empty(names.Except(spec));
        if (all)
        {
            Assert.Empty(spec.Except(names));
        }
    }
}
