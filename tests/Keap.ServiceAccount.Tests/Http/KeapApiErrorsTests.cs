using System.Net;
using Microsoft.Extensions.Time.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Keap.ServiceAccount.Tests.Http;

public sealed class KeapApiErrorsTests : IDisposable
{
    private const string ContactsPath = ApiHarness.BasePath + "/rest/v2/contacts";

    private readonly ApiHarness _api = ApiHarness.Start(o => o.Api.Retry.MaxAttempts = 0);

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
        var detail = Assert.Single(error.Details);
        Assert.Equal(("contacts", "filter"), (detail.Domain, detail.Resource));
        Assert.Equal("req-123", error.RequestId);
        Assert.Equal("GET", error.Method);
        Assert.Equal(ContactsPath, error.Path);
        Assert.DoesNotContain("private", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("private", _api.AllLogText(), StringComparison.Ordinal);
        Assert.DoesNotContain("secret-access-token", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("policies.ratelimit.QuotaViolation", "Rate limit quota violation. Quota limit exceeded.")]
    [InlineData("policies.ratelimit.SpikeArrestViolation", "Spike arrest violation. Allowed rate : 25ps")]
    public async Task The_gateways_429_body_is_read_into_the_exception(string errorCode, string faultString)
    {
        _api.Server.Given(Request.Create().WithPath(ContactsPath + "/1").UsingGet()).RespondWith(ApiHarness.Json(
            $$$$"""{"fault":{"faultstring":"{{{{faultString}}}}","detail":{"errorcode":"{{{{errorCode}}}}"}}}""", 429));

        var error = await Assert.ThrowsAsync<KeapApiException>(() => _api.Contacts.GetAsync("1"));

        Assert.Equal(HttpStatusCode.TooManyRequests, error.StatusCode);
        Assert.Equal(errorCode, error.ErrorCode);
        Assert.Equal(faultString, error.ErrorMessage);
        Assert.Contains(faultString, error.Message, StringComparison.Ordinal);
        Assert.False(error.NotSent);
    }

    [Fact]
    public async Task The_v2_429_body_is_read_into_the_exception_with_retry_after()
    {
        _api.Server.Given(Request.Create().WithPath(ContactsPath + "/1").UsingGet()).RespondWith(ApiHarness
            .Json("""{"code":"429","message":"Quota Exceeded","status":"Request Throttled"}""", 429)
            .WithHeader("Retry-After", "7"));

        var error = await Assert.ThrowsAsync<KeapApiException>(() => _api.Contacts.GetAsync("1"));

        Assert.Equal("429", error.ErrorCode);
        Assert.Equal("Quota Exceeded", error.ErrorMessage);
        Assert.Equal("Request Throttled", error.ErrorStatus);
        Assert.Equal(TimeSpan.FromSeconds(7), error.RetryAfter);
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

    public static TheoryData<string, string?, string> ForeignNotFounds => new()
    {
        { "contact", "text/html", "<html><body><center><h1>404 Not Found</h1></center><hr><center>nginx</center></body></html>" },
        { "email status", "text/html", "<html><body>Not Found</body></html>" },
        { "contact", null, string.Empty },
        // API gateways answer an unknown route with a JSON message of their own (Kong, Amazon API Gateway): not Keap's body.
        { "contact", "application/json", """{"message":"no Route matched with those values"}""" },
        { "email status", "application/json", """{"message":"Not Found"}""" },
        { "email status", "application/json", """{"fault":{"faultstring":"Unable to identify proxy for host: default and url: /crm/wrong","detail":{"errorcode":"messaging.adaptors.http.flow.ApplicationNotFound"}}}""" },
    };

    [Theory]
    [MemberData(nameof(ForeignNotFounds))]
    public async Task A_404_without_keaps_error_body_is_an_error_that_points_at_the_base_address_not_a_missing_record(string read, string? contentType, string body)
    {
        var response = Response.Create().WithStatusCode(404).WithBody(body);
        _api.Server.Given(Request.Create().UsingGet()).RespondWith(contentType is null ? response : response.WithHeader("Content-Type", contentType));

        var error = await Assert.ThrowsAsync<KeapApiException>(() => read == "contact" ? _api.Contacts.GetAsync("1") : _api.Contacts.GetEmailStatusAsync("ada@example.com"));

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Contains("Keap:ApiBaseAddress", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("<html>", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// An expiry past year 9999 (or before 1970) threw ArgumentOutOfRangeException out of the header reader: every call
    /// whose answer carried it failed, successes included.
    /// </summary>
    [Theory]
    [InlineData("99999999999999999")]
    [InlineData("9223372036854775807")]
    [InlineData("-99999999999999")]
    public async Task An_expiry_header_outside_any_date_is_ignored_instead_of_failing_the_call(string expiry)
    {
        _api.Server.Given(Request.Create().WithPath(ContactsPath + "/1").UsingGet()).RespondWith(ApiHarness
            .Json("""{"id":1,"given_name":"Ada"}""")
            .WithHeader("x-keap-product-quota-limit", "150000")
            .WithHeader("x-keap-product-quota-available", "149000")
            .WithHeader("x-keap-product-quota-expiry-time", expiry));

        var contact = await _api.Contacts.GetAsync("1");

        Assert.Equal("Ada", contact!.GivenName);
    }

    public static TheoryData<string, string, TimeSpan> RefusalsThatSayWhen => new()
    {
        { "Retry-After", "Thu, 01 Jan 2026 01:00:00 GMT", TimeSpan.FromHours(1) },
        { "Retry-After", "3600", TimeSpan.FromHours(1) },
        { "x-keap-product-quota-expiry-time", "1767232800000", TimeSpan.FromHours(2) },
        { "x-keap-product-quota-expiry-time", "2026-01-01T03:00:00Z", TimeSpan.FromHours(3) },
    };

    [Theory]
    [MemberData(nameof(RefusalsThatSayWhen))]
    public async Task Every_429_that_says_when_fills_RetryAfter(string header, string value, TimeSpan expected)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var api = ApiHarness.Start(time: time);
        api.Server.Given(Request.Create().WithPath(ContactsPath + "/1").UsingGet()).RespondWith(ApiHarness
            .Json("""{"fault":{"faultstring":"Rate limit quota violation. Quota limit exceeded.","detail":{"errorcode":"policies.ratelimit.QuotaViolation"}}}""", 429)
            .WithHeader("x-keap-product-quota-limit", "150000")
            .WithHeader("x-keap-product-quota-available", "0")
            .WithHeader("x-keap-product-quota-time-unit", "Day")
            .WithHeader(header, value));

        var error = await Assert.ThrowsAsync<KeapApiException>(() => api.Contacts.GetAsync("1"));

        Assert.Equal(HttpStatusCode.TooManyRequests, error.StatusCode);
        Assert.Equal(expected, error.RetryAfter);
        Assert.Single(api.Requests);
    }
}
