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
