using System.Net;
using System.Text.Json;
using Keap.ServiceAccount.Tests.Http;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Keap.ServiceAccount.Tests.Contacts;

public sealed class KeapContactsClientTests : IDisposable
{
    private const string ContactsPath = ApiHarness.BasePath + "/rest/v2/contacts";
    private const string ContactJson = """{"id":123,"given_name":"Ada","family_name":"Lovelace","email_addresses":[{"email":"other@example.com","field":"EMAIL2"},{"email":"ada@example.com","field":"EMAIL1"}],"unknown_field":{"x":1}}""";

    private readonly ApiHarness _api = ApiHarness.Start();

    public void Dispose() => _api.Dispose();

    [Theory]
    [InlineData(201, true)]
    [InlineData(200, false)]
    public async Task Upsert_posts_with_duplicate_option_email_and_reports_created_from_the_status(int status, bool created)
    {
        NoStoredContact();
        _api.Server.Given(Request.Create().WithPath(ContactsPath).UsingPost().WithParam("duplicate_option", "Email"))
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(ContactJson));

        var result = await _api.Contacts.UpsertByEmailAsync(new KeapContactInput { Email = "ada@example.com", GivenName = "Ada" });

        Assert.Equal(created, result.Created);
        Assert.Equal("123", result.Contact.Id);
        Assert.Equal("ada@example.com", result.Contact.Email);
        var request = Assert.Single(_api.Requests, r => r.RequestMessage.Method == "POST").RequestMessage;
        Assert.Equal("Bearer secret-access-token-1", request.Headers!["Authorization"].Single());
        using var body = JsonDocument.Parse(request.Body!);
        Assert.Equal("Ada", body.RootElement.GetProperty("given_name").GetString());
        Assert.False(body.RootElement.TryGetProperty("family_name", out _));
        var email = Assert.Single(body.RootElement.GetProperty("email_addresses").EnumerateArray());
        Assert.Equal("ada@example.com", email.GetProperty("email").GetString());
        Assert.Equal("EMAIL1", email.GetProperty("field").GetString());
    }

    [Fact]
    public async Task Upsert_sends_the_opt_in_reason_on_the_primary_address()
    {
        NoStoredContact();
        _api.Server.Given(Request.Create().WithPath(ContactsPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json").WithBody(ContactJson));

        await _api.Contacts.UpsertByEmailAsync(new KeapContactInput { Email = "ada@example.com", EmailOptInReason = "Ticked the newsletter box on sign-up" });

        using var body = JsonDocument.Parse(Assert.Single(_api.Requests, r => r.RequestMessage.Method == "POST").RequestMessage.Body!);
        var email = Assert.Single(body.RootElement.GetProperty("email_addresses").EnumerateArray());
        Assert.Equal("Ticked the newsletter box on sign-up", email.GetProperty("opt_in_reason").GetString());
    }

    [Fact]
    public async Task Upsert_without_an_email_is_refused_before_any_call()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _api.Contacts.UpsertByEmailAsync(new KeapContactInput { GivenName = "Ada" }));
        Assert.Empty(_api.Requests);
    }

    [Fact]
    public async Task Create_posts_without_duplicate_option()
    {
        _api.Server.Given(Request.Create().WithPath(ContactsPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json").WithBody(ContactJson));

        var contact = await _api.Contacts.CreateAsync(new KeapContactInput { Email = "ada@example.com" });

        Assert.Equal("123", contact.Id);
        Assert.Equal("Lovelace", contact.FamilyName);
        Assert.Empty(Assert.Single(_api.Requests).RequestMessage.Query!);
    }

    [Fact]
    public async Task Get_reads_a_contact_and_returns_null_for_404()
    {
        _api.Server.Given(Request.Create().WithPath(ContactsPath + "/123").UsingGet())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody(ContactJson));
        _api.Server.Given(Request.Create().WithPath(ContactsPath + "/404").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(404).WithHeader("Content-Type", "application/json").WithBody("""{"code":"404","message":"Not found","status":"NOT_FOUND"}"""));

        var found = await _api.Contacts.GetAsync("123");
        var missing = await _api.Contacts.GetAsync("404");

        Assert.Equal("Ada", found!.GivenName);
        Assert.Null(missing);
    }

    [Fact]
    public async Task FindByEmail_filters_on_email_with_the_value_escaped()
    {
        _api.Server.Given(Request.Create().WithPath(ContactsPath).UsingGet())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody($$"""{"contacts":[{{ContactJson}}],"next_page_token":""}"""));

        var contact = await _api.Contacts.FindByEmailAsync("ada+keap@example.com");

        Assert.Equal("123", contact!.Id);
        var request = Assert.Single(_api.Requests).RequestMessage;
        Assert.Contains("filter=email%3D%3Dada%2Bkeap%40example.com", request.RawQuery, StringComparison.Ordinal);
        Assert.Equal("email==ada+keap@example.com", request.Query!["filter"].Single());
    }

    [Fact]
    public async Task FindByEmail_returns_null_when_keap_has_none()
    {
        _api.Server.Given(Request.Create().WithPath(ContactsPath).UsingGet())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody("""{"contacts":[]}"""));

        Assert.Null(await _api.Contacts.FindByEmailAsync("nobody@example.com"));
    }

    [Fact]
    public async Task Update_patches_only_the_fields_set_and_names_them_in_update_mask()
    {
        _api.Server.Given(Request.Create().WithPath(ContactsPath + "/123").UsingPatch())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody(ContactJson));

        var contact = await _api.Contacts.UpdateAsync("123", new KeapContactInput { FamilyName = "Byron" });

        Assert.Equal("123", contact.Id);
        var request = Assert.Single(_api.Requests).RequestMessage;
        Assert.Equal("family_name", request.Query!["update_mask"].Single());
        Assert.Equal("""{"family_name":"Byron"}""", request.Body);
    }

    [Fact]
    public async Task Delete_sends_delete_to_the_contact()
    {
        _api.Server.Given(Request.Create().WithPath(ContactsPath + "/123").UsingDelete())
            .RespondWith(Response.Create().WithStatusCode(204));

        await _api.Contacts.DeleteAsync("123");

        Assert.Equal("DELETE", Assert.Single(_api.Requests).RequestMessage.Method);
    }

    [Fact]
    public async Task ListAll_follows_next_page_token_across_three_pages()
    {
        Page(null, """{"contacts":[{"id":"1"},{"id":2}],"next_page_token":"p2"}""");
        Page("p2", """{"contacts":[{"id":"3"}],"next_page_token":"p3"}""");
        Page("p3", """{"contacts":[{"id":"4"}],"next_page_token":""}""");

        var ids = new List<string>();
        await foreach (var contact in _api.Contacts.ListAllAsync())
        {
            ids.Add(contact.Id);
        }

        Assert.Equal(["1", "2", "3", "4"], ids);
        Assert.Equal(3, _api.Requests.Count);
        Assert.All(_api.Requests, r => Assert.Equal("1000", r.RequestMessage.Query!["page_size"].Single()));
    }

    private void NoStoredContact() =>
        _api.Server.Given(Request.Create().WithPath(ContactsPath).UsingGet()).RespondWith(ApiHarness.Json("""{"contacts":[]}"""));

    private void Page(string? token, string body)
    {
        var request = Request.Create().WithPath(ContactsPath).UsingGet();
        request = token is null ? request.WithParam("page_token", true, WireMock.Matchers.MatchBehaviour.RejectOnMatch) : request.WithParam("page_token", token);
        _api.Server.Given(request).RespondWith(Response.Create().WithStatusCode(HttpStatusCode.OK).WithHeader("Content-Type", "application/json").WithBody(body));
    }
}
