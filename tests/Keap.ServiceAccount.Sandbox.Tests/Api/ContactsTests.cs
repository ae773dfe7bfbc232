using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using static Keap.ServiceAccount.Sandbox.Tests.SandboxTestHost;

namespace Keap.ServiceAccount.Sandbox.Tests.Api;

public sealed class ContactsTests
{
    [Fact]
    public async Task Creating_with_duplicate_option_Email_updates_the_existing_contact()
    {
        await using var host = await StartAsync();
        using var api = host.Api();

        var created = await api.PostAsJsonAsync("rest/v2/contacts?duplicate_option=Email", Contact("ada@example.com"));
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        var updated = await api.PostAsJsonAsync("rest/v2/contacts?duplicate_option=Email", Contact("ADA@example.com", "Augusta"));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var body = await JsonAsync(updated);
        Assert.Equal((string?)(await JsonAsync(created))["id"], (string?)body["id"]);
        Assert.Equal("Augusta", (string?)body["given_name"]);
        Assert.NotEqual((string?)body["create_time"], (string?)body["update_time"]);
        Assert.Single(host.Server.State.Contacts);
    }

    [Fact]
    public async Task Creating_with_EmailAndName_creates_when_the_name_differs()
    {
        await using var host = await StartAsync();
        using var api = host.Api();
        await CreateContactAsync(api, "ada@example.com");

        var response = await api.PostAsJsonAsync("rest/v2/contacts?duplicate_option=EmailAndName", Contact("ada@example.com", "Other"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(2, host.Server.State.Contacts.Count);
    }

    [Fact]
    public async Task Creating_with_EmailAndNameAndCompany_creates_when_the_company_differs()
    {
        await using var host = await StartAsync();
        using var api = host.Api();
        var first = Contact("ada@example.com");
        first["company"] = new JsonObject { ["id"] = "7" };
        var second = Contact("ada@example.com");
        second["company"] = new JsonObject { ["id"] = "8" };

        var created = await api.PostAsJsonAsync("rest/v2/contacts?duplicate_option=EmailAndNameAndCompany", first);
        var other = await api.PostAsJsonAsync("rest/v2/contacts?duplicate_option=EmailAndNameAndCompany", second);
        var same = await api.PostAsJsonAsync("rest/v2/contacts?duplicate_option=EmailAndNameAndCompany", first);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.Created, other.StatusCode);
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.PostAsJsonAsync("rest/v2/contacts?duplicate_option=Phone", first)).StatusCode);
    }

    [Fact]
    public async Task Creating_without_duplicate_option_allows_duplicates()
    {
        await using var host = await StartAsync();
        using var api = host.Api();

        var first = await CreateContactAsync(api, "ada@example.com");
        var second = await CreateContactAsync(api, "ada@example.com");

        Assert.NotEqual(first, second);
        Assert.Equal(2, host.Server.State.Contacts.Count);
    }

    [Fact]
    public async Task Listing_pages_through_next_page_token_and_filters_by_email()
    {
        await using var host = await StartAsync();
        using var api = host.Api();
        for (var i = 0; i < 5; i++)
        {
            await CreateContactAsync(api, $"user{i}@example.com");
        }

        var ids = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await JsonAsync(await api.GetAsync($"rest/v2/contacts?page_size=2&page_token={token}"));
            ids.AddRange(page["contacts"]!.AsArray().Select(c => (string)c!["id"]!));
            token = (string?)page["next_page_token"];
            pages++;
        }
        while (token is not null);

        Assert.Equal(3, pages);
        Assert.Equal(host.Server.State.Contacts.Select(c => c.Id), ids);
        var filtered = await JsonAsync(await api.GetAsync("rest/v2/contacts?filter=" + Uri.EscapeDataString("email==user3@example.com")));
        Assert.Equal("user3@example.com", (string?)filtered["contacts"]!.AsArray().Single()!["email_addresses"]![0]!["email"]);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.GetAsync("rest/v2/contacts?page_size=1001")).StatusCode);
    }

    [Fact]
    public async Task Patch_get_and_delete_act_on_one_contact()
    {
        await using var host = await StartAsync();
        using var api = host.Api();
        var id = await CreateContactAsync(api, "ada@example.com");

        var patched = await api.PatchAsJsonAsync($"rest/v2/contacts/{id}", new JsonObject { ["family_name"] = "King" });
        var fetched = await JsonAsync(await api.GetAsync($"rest/v2/contacts/{id}"));
        var deleted = await api.DeleteAsync($"rest/v2/contacts/{id}");
        var missing = await api.GetAsync($"rest/v2/contacts/{id}");

        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Equal("King", (string?)fetched["family_name"]);
        Assert.Equal("Ada", (string?)fetched["given_name"]);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("NOT_FOUND", (string?)(await JsonAsync(missing))["status"]);
    }

    [Fact]
    public async Task Both_api_prefixes_serve_the_same_data_and_count_under_one_key()
    {
        await using var host = await StartAsync();
        using var api = host.Api();
        var id = await CreateContactAsync(api, "ada@example.com");

        using var root = new HttpClient { BaseAddress = host.Server.BaseAddress };
        root.DefaultRequestHeaders.Authorization = api.DefaultRequestHeaders.Authorization;
        var viaRoot = await root.GetAsync($"rest/v2/contacts/{id}");

        Assert.Equal(HttpStatusCode.OK, viaRoot.StatusCode);
        Assert.Equal(1, host.Server.State.ApiRequestCount("POST rest/v2/contacts"));
        Assert.Equal(1, host.Server.State.ApiRequestCount("GET rest/v2/contacts/{id}"));
        Assert.Equal(2, host.Server.State.ApiRequests);
    }

    [Fact]
    public async Task Concurrent_creates_get_distinct_ids()
    {
        await using var host = await StartAsync();
        using var api = host.Api();

        var ids = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => CreateContactAsync(api, $"c{i}@example.com")));

        Assert.Equal(50, ids.Distinct().Count());
        Assert.Equal(50, host.Server.State.Contacts.Count);
    }

    [Fact]
    public async Task Requests_without_a_valid_credential_get_401_and_a_service_account_key_is_accepted()
    {
        await using var host = await StartAsync();
        using var anonymous = new HttpClient { BaseAddress = host.Server.ApiBaseAddress };
        using var unknownBearer = new HttpClient { BaseAddress = host.Server.ApiBaseAddress };
        unknownBearer.DefaultRequestHeaders.Authorization = new("Bearer", "not-a-token");
        using var keyed = new HttpClient { BaseAddress = host.Server.ApiBaseAddress };
        keyed.DefaultRequestHeaders.Add("X-Keap-API-Key", ApiKey);
        using var wrongKey = new HttpClient { BaseAddress = host.Server.ApiBaseAddress };
        wrongKey.DefaultRequestHeaders.Add("X-Keap-API-Key", "KeapAK-wrong");

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("rest/v2/contacts")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await unknownBearer.GetAsync("rest/v2/contacts")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrongKey.GetAsync("rest/v2/contacts")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await keyed.GetAsync("rest/v2/contacts")).StatusCode);
    }
}
