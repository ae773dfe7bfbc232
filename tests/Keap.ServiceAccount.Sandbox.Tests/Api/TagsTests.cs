using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using static Keap.ServiceAccount.Sandbox.Tests.SandboxTestHost;

namespace Keap.ServiceAccount.Sandbox.Tests.Api;

public sealed class TagsTests
{
    [Fact]
    public async Task Tag_names_are_unique()
    {
        await using var host = await StartAsync();
        using var api = host.Api();

        var created = await api.PostAsJsonAsync("rest/v2/tags", new JsonObject { ["name"] = "buttonpushed" });
        var duplicate = await api.PostAsJsonAsync("rest/v2/tags", new JsonObject { ["name"] = "ButtonPushed" });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        var error = await JsonAsync(duplicate);
        Assert.Equal(409, (int)error["code"]!);
        Assert.Equal("tag", (string?)error["details"]![0]!["resource"]);
        Assert.Single(host.Server.State.Tags);
    }

    [Fact]
    public async Task Tags_are_found_by_name_and_by_id()
    {
        await using var host = await StartAsync();
        using var api = host.Api();
        await api.PostAsJsonAsync("rest/v2/tags", new JsonObject { ["name"] = "alpha" });
        var beta = await JsonAsync(await api.PostAsJsonAsync("rest/v2/tags", new JsonObject { ["name"] = "beta", ["description"] = "second" }));

        var found = await JsonAsync(await api.GetAsync("rest/v2/tags?filter=" + Uri.EscapeDataString("name==beta")));
        var byId = await JsonAsync(await api.GetAsync($"rest/v2/tags/{beta["id"]}"));
        var firstPage = await JsonAsync(await api.GetAsync("rest/v2/tags?page_size=1"));

        Assert.Equal((string?)beta["id"], (string?)found["tags"]!.AsArray().Single()!["id"]);
        Assert.Equal("second", (string?)byId["description"]);
        Assert.Single(firstPage["tags"]!.AsArray());
        Assert.NotNull((string?)firstPage["next_page_token"]);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync("rest/v2/tags/999")).StatusCode);
    }

    [Fact]
    public async Task Apply_and_remove_change_a_contacts_tags()
    {
        await using var host = await StartAsync();
        using var api = host.Api();
        var contact = await CreateContactAsync(api, "ada@example.com");
        var tag = (string)(await JsonAsync(await api.PostAsJsonAsync("rest/v2/tags", new JsonObject { ["name"] = "vip" })))["id"]!;

        // Numeric ids are accepted as well as strings.
        var applied = await api.PostAsJsonAsync($"rest/v2/tags/{tag}/contacts:applyTags",
            new JsonObject { ["contact_ids"] = new JsonArray(long.Parse(contact, System.Globalization.CultureInfo.InvariantCulture), "999") });
        var tags = await JsonAsync(await api.GetAsync($"rest/v2/contacts/{contact}/tags"));

        Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
        var results = (await JsonAsync(applied))["results"]!;
        Assert.Equal("SUCCESS", (string?)results[contact]);
        Assert.Equal("NOT_FOUND", (string?)results["999"]);
        Assert.Equal(tag, (string?)tags["tags"]![0]!["tag"]!["id"]);
        Assert.NotNull((string?)tags["tags"]![0]!["applied_time"]);
        Assert.Equal([tag], host.Server.State.TagIdsOf(contact));

        var removed = await api.PostAsJsonAsync($"rest/v2/tags/{tag}/contacts:removeTags", new JsonObject { ["contact_ids"] = new JsonArray(contact) });

        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.Empty(host.Server.State.TagIdsOf(contact));
    }

    [Fact]
    public async Task Applying_to_more_than_a_thousand_contacts_is_refused()
    {
        await using var host = await StartAsync();
        using var api = host.Api();
        var tag = (string)(await JsonAsync(await api.PostAsJsonAsync("rest/v2/tags", new JsonObject { ["name"] = "vip" })))["id"]!;
        var ids = new JsonArray([.. Enumerable.Range(1, 1001).Select(i => JsonValue.Create(i.ToString(System.Globalization.CultureInfo.InvariantCulture)))]);

        var response = await api.PostAsJsonAsync($"rest/v2/tags/{tag}/contacts:applyTags", new JsonObject { ["contact_ids"] = ids });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
