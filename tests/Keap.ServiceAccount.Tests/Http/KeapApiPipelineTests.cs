using System.Net;
using Keap.ServiceAccount.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Keap.ServiceAccount.Tests.Http;

public sealed class KeapApiPipelineTests
{
    private const string ContactsPath = ApiHarness.BasePath + "/rest/v2/contacts";
    private const string ContactJson = """{"id":"1","given_name":"Ada"}""";

    [Fact]
    public async Task A_401_refreshes_once_and_retries_with_the_new_token_and_the_same_body()
    {
        using var api = ApiHarness.Start();
        api.Server.Given(Request.Create().WithPath(ContactsPath).UsingPost().WithHeader("Authorization", "Bearer secret-access-token-1"))
            .RespondWith(Response.Create().WithStatusCode(401).WithBody("""{"code":"401","message":"Invalid Access Token"}"""));
        api.Server.Given(Request.Create().WithPath(ContactsPath).UsingPost().WithHeader("Authorization", "Bearer secret-access-token-2"))
            .RespondWith(ApiHarness.Json(ContactJson, 201));

        // Replace: no read of the stored arrays first, so the upsert is the only call.
        var result = await api.Contacts.UpsertByEmailAsync(new KeapContactInput { Email = "ada@example.com", GivenName = "Ada", ArrayUpdate = KeapArrayUpdate.Replace });

        Assert.True(result.Created);
        Assert.Equal(1, api.Tokens.Refreshes);
        var bodies = api.Requests.Select(r => r.RequestMessage.Body).ToList();
        Assert.Equal(2, bodies.Count);
        Assert.Equal(bodies[0], bodies[1]);
        Assert.Contains("ada@example.com", bodies[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_401_surfaces_without_another_refresh_and_without_the_token()
    {
        using var api = ApiHarness.Start();
        api.Server.Given(Request.Create().WithPath(ContactsPath + "/1").UsingGet())
            .RespondWith(ApiHarness.Json("""{"code":"401","message":"Invalid Access Token","status":"UNAUTHENTICATED"}""", 401));

        var error = await Assert.ThrowsAsync<KeapApiException>(() => api.Contacts.GetAsync("1"));

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Equal(1, api.Tokens.Refreshes);
        Assert.Equal(2, api.Requests.Count);
        Assert.DoesNotContain("secret-access-token", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("secret-access-token", api.AllLogText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_usable_token_the_authorization_exception_reaches_the_caller_and_nothing_is_sent()
    {
        using var api = ApiHarness.Start();
        api.Tokens.Failure = new KeapAuthorizationException(KeapConnectionState.NeedsReauthorization, "Connect to Keap again.");

        var error = await Assert.ThrowsAsync<KeapAuthorizationException>(() => api.Contacts.GetAsync("1"));

        Assert.Same(api.Tokens.Failure, error);
        Assert.Empty(api.Requests);
    }

    [Fact]
    public async Task A_service_account_key_is_sent_as_x_keap_api_key_without_a_bearer_token()
    {
        using var api = ApiHarness.Start(o => o.ServiceAccountKey = "KeapAK-secret-key");
        api.Server.Given(Request.Create().WithPath(ContactsPath + "/1").UsingGet()).RespondWith(ApiHarness.Json(ContactJson));

        await api.Contacts.GetAsync("1");

        var headers = Assert.Single(api.Requests).RequestMessage.Headers!;
        Assert.Equal("KeapAK-secret-key", headers["X-Keap-API-Key"].Single());
        Assert.False(headers.ContainsKey("Authorization"));
        Assert.DoesNotContain("KeapAK-secret-key", api.AllLogText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reloadable_binding_added_by_the_application_does_not_change_the_running_pipeline()
    {
        // The application also binds the section the usual way, which registers a reload token.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Keap:ServiceAccountKey"] = "KeapAK-first",
        }).Build();
        using var api = ApiHarness.Start(
            o => o.ServiceAccountKey = "KeapAK-first",
            builder: b => b.Services.Configure<KeapServiceAccountOptions>(configuration.GetSection("Keap")));
        api.Server.Given(Request.Create().WithPath(ContactsPath + "/1").UsingGet()).RespondWith(ApiHarness.Json(ContactJson));
        await api.Contacts.GetAsync("1");

        // Settings are read once: the edit applies after a restart, never to some handlers of a running process.
        configuration["Keap:ServiceAccountKey"] = "KeapAK-second";
        configuration.Reload();
        await api.Contacts.GetAsync("1");

        Assert.All(api.Requests, r => Assert.Equal("KeapAK-first", r.RequestMessage.Headers!["X-Keap-API-Key"].Single()));
    }

    [Fact]
    public async Task ConfigureHttpClient_adds_handlers_that_see_every_authenticated_attempt()
    {
        var seen = new List<string?>();
        using var api = ApiHarness.Start(builder: b => b.ConfigureHttpClient(http => http.AddHttpMessageHandler(() => new RecordingHandler(seen))));
        api.Server.Given(Request.Create().WithPath(ContactsPath + "/1").UsingGet()).RespondWith(ApiHarness.Json(ContactJson));

        await api.Contacts.GetAsync("1");

        Assert.Equal(["Bearer"], seen);
    }

    [Fact]
    public async Task Registering_twice_keeps_one_pipeline()
    {
        using var api = ApiHarness.Start(builder: b => b.Services.AddKeapServiceAccount(_ => { }));
        api.Server.Given(Request.Create().WithPath(ContactsPath + "/1").UsingGet())
            .RespondWith(ApiHarness.Json("""{"code":"401","message":"Invalid Access Token"}""", 401));

        await Assert.ThrowsAsync<KeapApiException>(() => api.Contacts.GetAsync("1"));

        // One authorization handler: one refresh and one repeat, not two of each.
        Assert.Equal(1, api.Tokens.Refreshes);
        Assert.Equal(2, api.Requests.Count);
    }

    [Fact]
    public async Task A_503_on_a_get_is_retried()
    {
        using var api = ApiHarness.Start();
        FailOnceThen(api, Request.Create().WithPath(ContactsPath + "/1").UsingGet(), 503, ApiHarness.Json(ContactJson));

        var contact = await api.Contacts.GetAsync("1");

        Assert.Equal("1", contact!.Id);
        Assert.Equal(2, api.Requests.Count);
    }

    [Fact]
    public async Task A_503_on_a_plain_create_is_not_retried_because_it_may_have_been_applied()
    {
        using var api = ApiHarness.Start();
        api.Server.Given(Request.Create().WithPath(ContactsPath).UsingPost()).RespondWith(ApiHarness.Json("""{"code":"503","message":"Unavailable"}""", 503));

        var error = await Assert.ThrowsAsync<KeapApiException>(() => api.Contacts.CreateAsync(new KeapContactInput { Email = "ada@example.com" }));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
        Assert.Single(api.Requests);
        Assert.Contains(api.Logs.GetSnapshot(), r => r.Id.Id == 1104);
    }

    [Fact]
    public async Task A_dropped_connection_is_retried_for_a_get_and_surfaces_as_a_keap_api_exception()
    {
        var network = new DroppingHandler();
        using var api = ApiHarness.Start(o => o.Api.Retry.MaxAttempts = 2, builder: b => b.ConfigureHttpClient(h => h.ConfigurePrimaryHttpMessageHandler(() => network)));

        var error = await Assert.ThrowsAsync<KeapApiException>(() => api.Contacts.GetAsync("1"));

        Assert.IsType<HttpRequestException>(error.InnerException, exactMatch: false);
        Assert.Null(error.StatusCode);
        Assert.Equal("GET", error.Method);
        Assert.Equal(3, network.Attempts);
    }

    [Fact]
    public async Task A_dropped_connection_on_a_plain_create_is_not_retried()
    {
        var network = new DroppingHandler();
        using var api = ApiHarness.Start(builder: b => b.ConfigureHttpClient(h => h.ConfigurePrimaryHttpMessageHandler(() => network)));

        await Assert.ThrowsAsync<KeapApiException>(() => api.Contacts.CreateAsync(new KeapContactInput { Email = "ada@example.com" }));

        Assert.Equal(1, network.Attempts);
        Assert.Single(api.Logs.GetSnapshot(), r => r.Id.Id == 1104);
    }

    /// <summary>An upsert repeats harmlessly after a 503; a 429 means Keap applied nothing, so even a plain create repeats.</summary>
    [Theory]
    [InlineData(503, true)]
    [InlineData(429, false)]
    public async Task A_post_is_retried_when_repeating_it_is_harmless(int status, bool upsert)
    {
        using var api = ApiHarness.Start();
        FailOnceThen(api, Request.Create().WithPath(ContactsPath).UsingPost(), status, ApiHarness.Json(ContactJson, 201));
        var input = new KeapContactInput { Email = "ada@example.com", ArrayUpdate = KeapArrayUpdate.Replace };

        var id = upsert ? (await api.Contacts.UpsertByEmailAsync(input)).Contact.Id : (await api.Contacts.CreateAsync(input)).Id;

        Assert.Equal("1", id);
        Assert.Equal(2, api.Requests.Count);
    }

    [Theory]
    [InlineData(429)]
    [InlineData(503)]
    public async Task Retry_after_is_honoured(int status)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var api = StartWithoutPacing(time);
        FailOnceThen(api, Request.Create().WithPath(ContactsPath + "/1").UsingGet(), status, ApiHarness.Json(ContactJson), failure => failure.WithHeader("Retry-After", "30"));

        var elapsed = await api.DriveAsync(api.Contacts.GetAsync("1"), TimeSpan.FromSeconds(1));

        Assert.Equal(2, api.Requests.Count);
        Assert.True(elapsed >= TimeSpan.FromSeconds(30), $"retried after {elapsed}");
        var retry = Assert.Single(api.Logs.GetSnapshot(), r => r.Id.Id == 1101);
        Assert.Contains("00:00:30", retry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_429_without_retry_after_waits_for_the_quota_window_to_reset()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var api = StartWithoutPacing(time);
        FailOnceThen(api, Request.Create().WithPath(ContactsPath + "/1").UsingGet(), 429, ApiHarness.Json(ContactJson), failure => failure
            .WithHeader("x-keap-product-quota-limit", "1500")
            .WithHeader("x-keap-product-quota-available", "0")
            .WithHeader("x-keap-product-quota-expiry-time", "2026-01-01T00:00:45Z"));

        var elapsed = await api.DriveAsync(api.Contacts.GetAsync("1"), TimeSpan.FromSeconds(1));

        Assert.Equal(2, api.Requests.Count);
        // The clock moves while the first request is in flight, so only the reset time itself is exact.
        Assert.True(time.GetUtcNow() >= new DateTimeOffset(2026, 1, 1, 0, 0, 45, TimeSpan.Zero), $"retried after {elapsed}");
        Assert.Single(api.Logs.GetSnapshot(), r => r.Id.Id == 1101);
    }

    [Fact]
    public async Task A_429_asking_for_longer_than_the_call_may_take_surfaces_at_once()
    {
        using var api = ApiHarness.Start();
        api.Server.Given(Request.Create().WithPath(ContactsPath + "/1").UsingGet())
            .RespondWith(ApiHarness.Json("""{"code":"429","message":"Quota Exceeded","status":"Request Throttled"}""", 429).WithHeader("Retry-After", "86400"));

        var error = await Assert.ThrowsAsync<KeapApiException>(() => api.Contacts.GetAsync("1"));

        Assert.Equal(HttpStatusCode.TooManyRequests, error.StatusCode);
        Assert.Equal("Request Throttled", error.ErrorStatus);
        Assert.Single(api.Requests);
    }

    [Fact]
    public async Task Quota_and_throttle_headers_are_exposed_as_a_snapshot_and_as_metrics()
    {
        using var api = ApiHarness.Start();
        var meters = api.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        using var requests = new Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<long>(meters, KeapServiceAccountDiagnostics.MeterName, "keap.api.requests");
        using var quota = new Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<long>(meters, KeapServiceAccountDiagnostics.MeterName, "keap.api.quota.available");
        api.Server.Given(Request.Create().WithPath(ContactsPath + "/1").UsingGet()).RespondWith(ApiHarness.Json(ContactJson)
            .WithHeader("x-keap-product-quota-limit", "150000")
            .WithHeader("x-keap-product-quota-time-unit", "Day")
            .WithHeader("x-keap-product-quota-interval", "1")
            .WithHeader("x-keap-product-quota-available", "149990")
            .WithHeader("x-keap-product-quota-used", "10")
            .WithHeader("x-keap-product-quota-expiry-time", "2026-11-30T00:00:00Z")
            .WithHeader("x-keap-product-throttle-limit", "1500")
            .WithHeader("x-keap-product-throttle-time-unit", "Minute")
            .WithHeader("x-keap-product-throttle-interval", "1")
            .WithHeader("x-keap-product-throttle-available", "1499")
            .WithHeader("x-keap-product-throttle-used", "1"));

        await api.Contacts.GetAsync("1");

        var snapshot = api.Services.GetRequiredService<IKeapQuotaMonitor>().Current!;
        Assert.Equal(150000, snapshot.QuotaLimit);
        Assert.Equal(149990, snapshot.QuotaAvailable);
        Assert.Equal(10, snapshot.QuotaUsed);
        Assert.Equal(TimeSpan.FromDays(1), snapshot.QuotaWindow);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero), snapshot.QuotaExpiresAt);
        Assert.Equal(1500, snapshot.ThrottleLimit);
        Assert.Equal(1499, snapshot.ThrottleAvailable);
        Assert.Equal(1, snapshot.ThrottleUsed);
        Assert.Equal(TimeSpan.FromMinutes(1), snapshot.ThrottleWindow);
        Assert.Equal(1, requests.GetMeasurementSnapshot().Single().Value);
        quota.RecordObservableInstruments();
        Assert.Equal(149990, quota.LastMeasurement!.Value);
    }

    [Fact]
    public async Task Requests_are_paced_when_the_throttle_is_nearly_spent()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var api = ApiHarness.Start(LongTimeouts, time);
        api.Server.Given(Request.Create().WithPath(ContactsPath + "/1").UsingGet()).RespondWith(TenPerTenSeconds(available: 0));

        await api.Contacts.GetAsync("1");
        var elapsed = await api.DriveAsync(api.Contacts.GetAsync("1"), TimeSpan.FromMilliseconds(500));

        Assert.True(elapsed >= TimeSpan.FromSeconds(10), $"paced {elapsed}");
        var pacing = Assert.Single(api.Logs.GetSnapshot(), r => r.Id.Id == 1103);
        Assert.Contains("00:00:10", pacing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_low_quota_is_logged_once_when_it_becomes_low()
    {
        using var api = ApiHarness.Start(o => o.Api.QuotaPacing = false);
        api.Server.Given(Request.Create().WithPath(ContactsPath + "/1").UsingGet()).RespondWith(ApiHarness.Json(ContactJson)
            .WithHeader("x-keap-product-quota-limit", "150000")
            .WithHeader("x-keap-product-quota-available", "100"));

        await api.Contacts.GetAsync("1");
        await api.Contacts.GetAsync("1");

        var low = Assert.Single(api.Logs.GetSnapshot(), r => r.Id.Id == 1102);
        Assert.Contains("100 of 150000", low.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requests_are_not_paced_while_plenty_is_left()
    {
        using var api = ApiHarness.Start();
        api.Server.Given(Request.Create().WithPath(ContactsPath + "/1").UsingGet()).RespondWith(TenPerTenSeconds(available: 9));

        await api.Contacts.GetAsync("1");
        await api.Contacts.GetAsync("1");

        Assert.DoesNotContain(api.Logs.GetSnapshot(), r => r.Id.Id == 1103);
    }

    private sealed class RecordingHandler(List<string?> seen) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            seen.Add(request.Headers.Authorization?.Scheme);
            return base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>While a test moves the fake clock, no timeout may fire because the loopback server is merely slow.</summary>
    private static void LongTimeouts(KeapServiceAccountOptions options)
    {
        // The attempt timeout may be at most half of the breaker's sampling window, which is at most a day.
        options.Api.Timeouts.Attempt = TimeSpan.FromHours(12);
        options.Api.Timeouts.Total = TimeSpan.FromDays(1);
        options.Api.CircuitBreaker.SamplingDuration = TimeSpan.FromDays(1);
    }

    private static IResponseBuilder TenPerTenSeconds(int available) => ApiHarness.Json(ContactJson)
        .WithHeader("x-keap-product-throttle-limit", "10")
        .WithHeader("x-keap-product-throttle-time-unit", "Second")
        .WithHeader("x-keap-product-throttle-interval", "10")
        .WithHeader("x-keap-product-throttle-available", available.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static ApiHarness StartWithoutPacing(FakeTimeProvider time) => ApiHarness.Start(
        o =>
        {
            o.Api.QuotaPacing = false;
            LongTimeouts(o);
        },
        time);

    private static void FailOnceThen(ApiHarness api, IRequestBuilder request, int status, IResponseBuilder then, Func<IResponseBuilder, IResponseBuilder>? failure = null)
    {
        var scenario = Guid.NewGuid().ToString();
        var failing = ApiHarness.Json("""{"code":"x","message":"failing"}""", status);
        api.Server.Given(request).AtPriority(2).InScenario(scenario).WillSetStateTo("recovered")
            .RespondWith(failure is null ? failing : failure(failing));
        api.Server.Given(request).AtPriority(1).InScenario(scenario).WhenStateIs("recovered").RespondWith(then);
    }
}
