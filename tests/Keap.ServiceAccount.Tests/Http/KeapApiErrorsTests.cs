using System.Net;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Keap.ServiceAccount.Tests.Http;

public sealed class KeapApiErrorsTests : IDisposable
{
    private const string ContactsPath = ApiHarness.BasePath + "/rest/v2/contacts";

    private readonly ApiHarness _api = ApiHarness.Start(o => o.ApiMaxRetryAttempts = 0);

    public void Dispose() => _api.Dispose();

    [Fact]
    public async Task A_json_error_body_is_mapped_with_details_request_id_method_and_path_but_no_query()
    {
        _api.Server.Given(Request.Create().WithPath(ContactsPath).UsingGet()).RespondWith(Response.Create()
            .WithStatusCode(400)
            .WithHeader("Content-Type", "application/json")
            .WithHeader("x-request-id", "req-123")
            .WithBody("""{"code":400,"message":"Invalid filter","status":"INVALID_ARGUMENT","details":[{"domain":"contacts","resource":"filter"}],"extra":true}"""));

        var error = await Assert.ThrowsAsync<KeapApiException>(() => _api.Contacts.FindByEmailAsync("private@example.com"));

        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Equal("400", error.ErrorCode);
        Assert.Equal("Invalid filter", error.ErrorMessage);
        Assert.Equal("INVALID_ARGUMENT", error.ErrorStatus);
        Assert.Equal(new KeapErrorDetail("contacts", "filter"), Assert.Single(error.Details));
        Assert.Equal("req-123", error.RequestId);
        Assert.Equal("GET", error.Method);
        Assert.Equal(ContactsPath, error.Path);
        Assert.DoesNotContain("private", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("private", _api.AllLogText(), StringComparison.Ordinal);
        Assert.DoesNotContain("secret-access-token", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_error_body_keeps_the_status()
    {
        _api.Server.Given(Request.Create().WithPath(ContactsPath + "/1").UsingDelete()).RespondWith(Response.Create().WithStatusCode(403));

        var error = await Assert.ThrowsAsync<KeapApiException>(() => _api.Contacts.DeleteAsync("1"));

        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
        Assert.Null(error.ErrorCode);
        Assert.Empty(error.Details);
        Assert.Equal("DELETE", error.Method);
    }

    [Fact]
    public async Task An_html_error_page_keeps_the_status_without_the_page()
    {
        _api.Server.Given(Request.Create().WithPath(ContactsPath + "/1").UsingGet()).RespondWith(Response.Create()
            .WithStatusCode(502).WithHeader("Content-Type", "text/html").WithBody("<html><body><h1>502 Bad Gateway</h1></body></html>"));

        var error = await Assert.ThrowsAsync<KeapApiException>(() => _api.Contacts.GetAsync("1"));

        Assert.Equal(HttpStatusCode.BadGateway, error.StatusCode);
        Assert.Null(error.ErrorMessage);
        Assert.DoesNotContain("<html>", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_success_with_an_unreadable_body_surfaces_as_a_keap_api_exception()
    {
        _api.Server.Given(Request.Create().WithPath(ContactsPath).UsingPost()).RespondWith(Response.Create()
            .WithStatusCode(200).WithHeader("Content-Type", "text/html").WithBody("<html>maintenance</html>"));

        var error = await Assert.ThrowsAsync<KeapApiException>(() => _api.Contacts.UpsertByEmailAsync(new KeapContactInput { Email = "a@example.com", ArrayUpdate = KeapArrayUpdate.Replace }));
        var created = await Assert.ThrowsAsync<KeapApiException>(() => _api.Contacts.CreateAsync(new KeapContactInput { Email = "a@example.com" }));

        Assert.Equal(HttpStatusCode.OK, error.StatusCode);
        Assert.Equal("POST", created.Method);
        Assert.IsType<System.Text.Json.JsonException>(created.InnerException, exactMatch: false);
    }

    [Fact]
    public async Task Logs_of_failed_calls_name_the_path_without_the_email_filter_or_the_token()
    {
        _api.Server.Given(Request.Create().WithPath(ContactsPath).UsingGet()).RespondWith(Response.Create().WithStatusCode(500));

        await Assert.ThrowsAsync<KeapApiException>(() => _api.Contacts.FindByEmailAsync("private@example.com"));

        var failed = Assert.Single(_api.Logs.GetSnapshot(), r => r.Id.Id == 1100);
        Assert.Contains(ContactsPath, failed.Message, StringComparison.Ordinal);
        var logs = _api.AllLogText();
        Assert.DoesNotContain("private", logs, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-access-token", logs, StringComparison.Ordinal);
    }
}
