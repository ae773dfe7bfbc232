using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using static Keap.ServiceAccount.Sandbox.Tests.SandboxTestHost;

namespace Keap.ServiceAccount.Sandbox.Tests.Api;

/// <summary>What the sandbox refuses, and how: never a parameter or property silently ignored, always Keap's error body.</summary>
public sealed class ApiContractTests
{
    [Fact]
    public async Task The_tags_of_a_contact_are_filtered_by_name_and_ordered()
    {
        await using var host = await StartAsync();
        using var api = host.Api();
        var contact = await CreateContactAsync(api, "ada@example.com");
        foreach (var name in new[] { "beta", "alpha" })
        {
            var tag = (string)(await JsonAsync(await api.PostAsJsonAsync("rest/v2/tags", new JsonObject { ["name"] = name })))["id"]!;
            await api.PostAsJsonAsync($"rest/v2/tags/{tag}/contacts:applyTags", new JsonObject { ["contact_ids"] = new JsonArray(contact) });
        }

        var none = await JsonAsync(await api.GetAsync($"rest/v2/contacts/{contact}/tags?filter=" + Uri.EscapeDataString("name==nomatch")));
        var beta = await JsonAsync(await api.GetAsync($"rest/v2/contacts/{contact}/tags?filter=" + Uri.EscapeDataString("name==BETA")));
        var byName = await JsonAsync(await api.GetAsync($"rest/v2/contacts/{contact}/tags?order_by=" + Uri.EscapeDataString("name asc")));

        Assert.Empty(none["tags"]!.AsArray());
        Assert.Equal("beta", (string?)beta["tags"]!.AsArray().Single()!["tag"]!["name"]);
        Assert.Equal(["alpha", "beta"], byName["tags"]!.AsArray().Select(t => (string?)t!["tag"]!["name"]));
    }

    [Theory]
    [InlineData("rest/v2/contacts/{contact}/tags?filter=description%3D%3Dx", "description")]
    [InlineData("rest/v2/contacts/{contact}/tags?order_by=category_id", "category_id")]
    [InlineData("rest/v2/contacts/{contact}?filter=x", "filter")]
    [InlineData("rest/v2/contacts/{contact}?order_by=id", "order_by")]
    [InlineData("rest/v2/contacts?include_deleted=true", "include_deleted")]
    [InlineData("rest/v2/contacts/model?page_size=5", "page_size")]
    [InlineData("rest/v2/tags?fields=name", "fields")]
    [InlineData("rest/v2/tags/{tag}?fields=name", "fields")]
    [InlineData("rest/v2/tags?filter=category_id%3D%3DNONE", "category_id")]
    [InlineData("rest/v2/emailAddresses/ada@example.com/status?verbose=1", "verbose")]
    public async Task A_query_parameter_the_sandbox_does_not_implement_is_refused_and_named(string path, string named)
    {
        await using var host = await StartAsync();
        using var api = host.Api();
        var contact = await CreateContactAsync(api, "ada@example.com");
        var tag = (string)(await JsonAsync(await api.PostAsJsonAsync("rest/v2/tags", new JsonObject { ["name"] = "vip" })))["id"]!;

        var response = await api.GetAsync(path.Replace("{contact}", contact, StringComparison.Ordinal).Replace("{tag}", tag, StringComparison.Ordinal));

        await AssertKeapErrorAsync(response, HttpStatusCode.BadRequest, named);
    }

    [Theory]
    [InlineData("rest/v2/contacts", "contacts")]
    [InlineData("rest/v2/tags", "tags")]
    [InlineData("rest/v2/contacts/{contact}/tags", "tags")]
    public async Task Page_size_zero_is_accepted_and_means_the_default_page(string path, string property)
    {
        await using var host = await StartAsync();
        using var api = host.Api();
        var contact = await CreateContactAsync(api, "ada@example.com");
        var tag = (string)(await JsonAsync(await api.PostAsJsonAsync("rest/v2/tags", new JsonObject { ["name"] = "vip" })))["id"]!;
        await api.PostAsJsonAsync($"rest/v2/tags/{tag}/contacts:applyTags", new JsonObject { ["contact_ids"] = new JsonArray(contact) });

        var response = await api.GetAsync(path.Replace("{contact}", contact, StringComparison.Ordinal) + "?page_size=0");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single((await JsonAsync(response))[property]!.AsArray());
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("1001")]
    [InlineData("ten")]
    public async Task A_page_size_outside_the_spec_is_refused_with_keaps_error_body(string pageSize)
    {
        await using var host = await StartAsync();
        using var api = host.Api();

        await AssertKeapErrorAsync(await api.GetAsync("rest/v2/contacts?page_size=" + pageSize), HttpStatusCode.BadRequest, "page_size");
    }

    [Theory]
    [InlineData("PATCH", "rest/v2/tags/{tag}", HttpStatusCode.MethodNotAllowed)]
    [InlineData("PUT", "rest/v2/contacts/{contact}", HttpStatusCode.MethodNotAllowed)]
    [InlineData("GET", "rest/v2/tags/{tag}/contacts", HttpStatusCode.NotFound)]
    [InlineData("GET", "rest/v2/nothing", HttpStatusCode.NotFound)]
    [InlineData("GET", "rest/v1/contacts", HttpStatusCode.NotFound)]
    public async Task Routes_and_methods_the_sandbox_does_not_serve_answer_keaps_error_body(string method, string path, HttpStatusCode expected)
    {
        await using var host = await StartAsync();
        using var api = host.Api();
        var contact = await CreateContactAsync(api, "ada@example.com");
        var tag = (string)(await JsonAsync(await api.PostAsJsonAsync("rest/v2/tags", new JsonObject { ["name"] = "vip" })))["id"]!;
        using var request = new HttpRequestMessage(
            new HttpMethod(method), path.Replace("{contact}", contact, StringComparison.Ordinal).Replace("{tag}", tag, StringComparison.Ordinal))
        {
            Content = method == "GET" ? null : JsonContent.Create(new JsonObject { ["name"] = "renamed" }),
        };

        var response = await api.SendAsync(request);

        await AssertKeapErrorAsync(response, expected, method);
        Assert.Equal("vip", host.Server.State.Tags.Single().Name);
    }

    [Theory]
    [InlineData("GET", "token")]
    [InlineData("DELETE", "app/oauth/authorize")]
    [InlineData("GET", "no/such/page")]
    public async Task Paths_outside_the_api_answer_keaps_error_body_too(string method, string path)
    {
        await using var host = await StartAsync();

        var response = await host.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed, response.StatusCode.ToString());
        await AssertKeapErrorAsync(response, response.StatusCode, method);
    }

    [Theory]
    [InlineData("""{"name":"junk","foo":"bar","category":"x"}""", "foo")]
    [InlineData("""{"name":"junk","category":"x"}""", "category")]
    [InlineData("""{"name":"junk","category":{"id":"1","colour":"red"}}""", "category.colour")]
    [InlineData("""{"name":"junk","description":5}""", "description")]
    [InlineData("""{"name":"junk","id":"77"}""", "id")]
    public async Task A_tag_the_spec_would_refuse_is_refused_naming_the_property_and_not_stored(string body, string named)
    {
        await using var host = await StartAsync();
        using var api = host.Api();

        var response = await api.PostAsync("rest/v2/tags", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        await AssertKeapErrorAsync(response, HttpStatusCode.BadRequest, named);
        Assert.Empty(host.Server.State.Tags);
    }

    [Theory]
    [InlineData("""{"email_addresses":[{"email":"a@example.com"}],"favourite":"x"}""", "favourite")]
    [InlineData("""{"email_addresses":[{"email":"a@example.com","bogus":1}]}""", "email_addresses[0].bogus")]
    [InlineData("""{"email_addresses":[{"email":"a@example.com"}],"given_name":5}""", "given_name")]
    [InlineData("""{"email_addresses":[{"email":"a@example.com"}],"given_name":null}""", "given_name")]
    [InlineData("""{"email_addresses":{"email":"a@example.com"}}""", "email_addresses")]
    [InlineData("""{"email_addresses":[{"email":"a@example.com"}],"tag_ids":["1"]}""", "tag_ids")]
    [InlineData("""{"email_addresses":[{"email":"a@example.com"}],"utm_parameters":{"keap_source_id":"1","utm_colour":"red"}}""", "utm_parameters.utm_colour")]
    [InlineData("""{"email_addresses":[{"email":"a@example.com"}],"source_type":"CARRIER_PIGEON"}""", "source_type")]
    public async Task A_contact_the_spec_would_refuse_is_refused_naming_the_property_and_not_stored(string body, string named)
    {
        await using var host = await StartAsync();
        using var api = host.Api();

        var response = await api.PostAsync("rest/v2/contacts", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        await AssertKeapErrorAsync(response, HttpStatusCode.BadRequest, named);
        Assert.Empty(host.Server.State.Contacts);
    }

    [Fact]
    public async Task Other_bodies_the_spec_would_refuse_are_refused_naming_the_property()
    {
        await using var host = await StartAsync();
        using var api = host.Api();
        var contact = await CreateContactAsync(api, "ada@example.com");
        var tag = (string)(await JsonAsync(await api.PostAsJsonAsync("rest/v2/tags", new JsonObject { ["name"] = "vip" })))["id"]!;

        var apply = await api.PostAsJsonAsync($"rest/v2/tags/{tag}/contacts:applyTags", new JsonObject { ["contact_ids"] = new JsonArray(contact), ["force"] = true });
        var status = await api.PatchAsJsonAsync("rest/v2/emailAddresses/ada@example.com/status", new JsonObject { ["opted_in"] = true, ["reason"] = "r", ["when"] = "now" });
        var patch = await api.PatchAsJsonAsync($"rest/v2/contacts/{contact}", new JsonObject { ["nickname"] = "Ada" });

        await AssertKeapErrorAsync(apply, HttpStatusCode.BadRequest, "force");
        await AssertKeapErrorAsync(status, HttpStatusCode.BadRequest, "when");
        await AssertKeapErrorAsync(patch, HttpStatusCode.BadRequest, "nickname");
        Assert.Empty(host.Server.State.TagIdsOf(contact));
    }

    /// <summary>The answer has the status and Keap's <c>{code, message, status, details}</c> body, and its message names <paramref name="named"/>.</summary>
    private static async Task AssertKeapErrorAsync(HttpResponseMessage response, HttpStatusCode expected, string named)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{(int)response.StatusCode} {text}");
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        var body = JsonNode.Parse(text);
        Assert.Empty(SpecSchemas.Check("Error", body));
        Assert.Equal((int)expected, (int)body!["code"]!);
        Assert.NotNull((string?)body["status"]);
        Assert.NotNull(body["details"]);
        Assert.Contains(named, (string?)body["message"], StringComparison.Ordinal);
    }
}
