using System.Net;
using System.Net.Http.Json;
using Keap.ServiceAccount.Tests.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Refit;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Keap.ServiceAccount.Tests.Http;

public interface ICustomKeapApi
{
    [Get("/rest/v2/notes/{id}")]
    Task<CustomNote> GetNoteAsync(string id, CancellationToken cancellationToken);

    [Post("/rest/v2/notes")]
    Task<CustomNote> CreateNoteAsync([Body] CustomNote note, CancellationToken cancellationToken);

    [KeapRepeatable]
    [Post("/rest/v2/notes:apply")]
    Task<CustomNote> ApplyAsync([Body] CustomNote note, CancellationToken cancellationToken);

    [Get("/rest/v1/hooks")]
    Task<List<CustomHook>> ListHooksAsync(CancellationToken cancellationToken);
}

public sealed record CustomNote
{
    public string? Id { get; init; }

    public string? Title { get; init; }

    public DateTimeOffset? CreateTime { get; init; }
}

// Keap's v1 resources name some properties in camelCase: the attribute says so.
public sealed record CustomHook(string Key, [property: System.Text.Json.Serialization.JsonPropertyName("eventKey")] string EventKey);

public sealed class PlainKeapClient(HttpClient http)
{
    public HttpClient Http => http;
}

/// <summary>
/// The application's own Refit interface and plain HttpClient on the package's pipeline: the same token, 401 recovery,
/// retry rules, rate limiter and errors as the typed clients.
/// </summary>
public sealed class CustomClientTests
{
    private const string Refit = "refit";
    private const string Plain = "plain";
    private const string NotesPath = ApiHarness.BasePath + "/rest/v2/notes";
    private const string ApplyPath = ApiHarness.BasePath + "/rest/v2/notes:apply";
    private const string NoteJson = """{"id":42,"title":"Called","create_time":1767225600000}""";
    private const string Unavailable = """{"code":"503","message":"Unavailable"}""";

    public static TheoryData<string> Both => new() { Refit, Plain };

    [Theory]
    [InlineData(Refit, false)]
    [InlineData(Plain, false)]
    [InlineData(Refit, true)]
    [InlineData(Plain, true)]
    public async Task The_token_or_key_is_attached_and_keaps_json_is_read(string via, bool key)
    {
        using var api = Start(o => o.ServiceAccountKey = key ? "KeapAK-secret" : null);
        api.Server.Given(Request.Create().WithPath(NotesPath + "/42").UsingGet()).RespondWith(ApiHarness.Json(NoteJson));

        var note = await SendAsync(api, via, "get");

        Assert.Equal("42", note.Id);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), note.CreateTime);
        var headers = Assert.Single(api.Requests).RequestMessage.Headers!;
        if (key)
        {
            Assert.Equal("KeapAK-secret", headers["X-Keap-API-Key"].Single());
            Assert.False(headers.ContainsKey("Authorization"));
        }
        else
        {
            Assert.Equal("Bearer secret-access-token-1", headers["Authorization"].Single());
        }
    }

    [Theory]
    [MemberData(nameof(Both))]
    public async Task V1_paths_work_and_bodies_are_written_in_snake_case(string via)
    {
        using var api = Start();
        api.Server.Given(Request.Create().WithPath(ApiHarness.BasePath + "/rest/v1/hooks").UsingGet())
            .RespondWith(ApiHarness.Json("""[{"key":7,"eventKey":"contact.add"}]"""));
        api.Server.Given(Request.Create().WithPath(NotesPath).UsingPost()).RespondWith(ApiHarness.Json(NoteJson, 201));

        var hooks = via == Refit
            ? await api.Services.GetRequiredService<ICustomKeapApi>().ListHooksAsync(CancellationToken.None)
            : await (await Http(api).GetAsync(new Uri("rest/v1/hooks", UriKind.Relative))).ReadKeapJsonAsync<List<CustomHook>>();
        await SendAsync(api, via, "create");

        Assert.Equal(new CustomHook("7", "contact.add"), Assert.Single(hooks));
        Assert.Equal("""{"title":"Called"}""", api.Requests[^1].RequestMessage.Body);
    }

    [Theory]
    [MemberData(nameof(Both))]
    public async Task A_401_refreshes_once_and_repeats_once_with_the_same_body(string via)
    {
        using var api = Start();
        api.Server.Given(Request.Create().WithPath(ApplyPath).UsingPost().WithHeader("Authorization", "Bearer secret-access-token-1"))
            .RespondWith(ApiHarness.Json("""{"code":"401","message":"Invalid Access Token"}""", 401));
        api.Server.Given(Request.Create().WithPath(ApplyPath).UsingPost().WithHeader("Authorization", "Bearer secret-access-token-2"))
            .RespondWith(ApiHarness.Json(NoteJson));

        await SendAsync(api, via, "apply");

        Assert.Equal(1, api.Tokens.Refreshes);
        Assert.Equal(2, api.Requests.Count);
        Assert.Equal(api.Requests[0].RequestMessage.Body, api.Requests[1].RequestMessage.Body);
    }

    [Theory]
    [MemberData(nameof(Both))]
    public async Task An_unmarked_post_is_never_repeated_after_a_503(string via)
    {
        using var api = Start(o => o.Api.Retry.MaxAttempts = 3);
        api.Server.Given(Request.Create().UsingAnyMethod()).RespondWith(ApiHarness.Json(Unavailable, 503));

        var error = await Assert.ThrowsAsync<KeapApiException>(() => SendAsync(api, via, "create"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
        Assert.Equal("Unavailable", error.ErrorMessage);
        Assert.Single(api.Requests);
    }

    [Theory]
    [MemberData(nameof(Both))]
    public async Task An_unmarked_post_is_never_repeated_after_a_lost_connection_and_fails_as_a_keap_api_exception(string via)
    {
        var network = new DroppingHandler();
        using var api = Start(o => o.Api.Retry.MaxAttempts = 3, builder: b => b.ConfigureHttpClient(h => h.ConfigurePrimaryHttpMessageHandler(() => network)));

        var error = await Assert.ThrowsAsync<KeapApiException>(() => SendAsync(api, via, "create"));

        Assert.Null(error.StatusCode);
        Assert.IsType<HttpRequestException>(error.InnerException, exactMatch: false);
        Assert.Equal(1, network.Attempts);
    }

    [Theory]
    [MemberData(nameof(Both))]
    public async Task A_marked_post_is_repeated_after_a_503_with_the_same_body(string via)
    {
        using var api = Start(o => o.Api.Retry.MaxAttempts = 1);
        api.Server.Given(Request.Create().UsingAnyMethod()).RespondWith(ApiHarness.Json(Unavailable, 503));

        var error = await Assert.ThrowsAsync<KeapApiException>(() => SendAsync(api, via, "apply"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
        Assert.Equal(2, api.Requests.Count);
        Assert.All(api.Requests, r => Assert.Equal("""{"title":"Called"}""", r.RequestMessage.Body));
    }

    [Theory]
    [MemberData(nameof(Both))]
    public async Task An_unmarked_post_is_repeated_after_a_429_because_keap_applied_nothing(string via)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var api = Start(o => o.Api.Timeouts.Total = TimeSpan.FromMinutes(5), time);
        var scenario = Guid.NewGuid().ToString();
        api.Server.Given(Request.Create().WithPath(NotesPath).UsingPost()).AtPriority(2).InScenario(scenario).WillSetStateTo("recovered")
            .RespondWith(ApiHarness.Json("""{"code":"429","message":"Quota Exceeded","status":"Request Throttled"}""", 429).WithHeader("Retry-After", "5"));
        api.Server.Given(Request.Create().WithPath(NotesPath).UsingPost()).AtPriority(1).InScenario(scenario).WhenStateIs("recovered")
            .RespondWith(ApiHarness.Json(NoteJson, 201));

        var call = SendAsync(api, via, "create");
        var elapsed = await api.DriveAsync(call, TimeSpan.FromSeconds(1));

        Assert.Equal("42", (await call).Id);
        Assert.Equal(2, api.Requests.Count);
        Assert.True(elapsed >= TimeSpan.FromSeconds(5), $"repeated after {elapsed}");
    }

    [Theory]
    [InlineData(Refit, 200, "text/html", "<html><body>Welcome</body></html>")]
    [InlineData(Plain, 200, "text/html", "<html><body>Welcome</body></html>")]
    [InlineData(Refit, 200, "application/json", "")]
    [InlineData(Plain, 200, "application/json", "")]
    [InlineData(Refit, 200, "application/json", "null")]
    [InlineData(Plain, 200, "application/json", "null")]
    [InlineData(Refit, 200, "application/json", """{"id":{"nested":true}}""")]
    [InlineData(Plain, 200, "application/json", """{"id":{"nested":true}}""")]
    public async Task An_answer_that_cannot_be_read_is_a_keap_api_exception_never_a_json_exception_or_null(string via, int status, string contentType, string body)
    {
        using var api = Start();
        api.Server.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", contentType).WithBody(body));

        var error = await Assert.ThrowsAsync<KeapApiException>(() => SendAsync(api, via, "get"));

        Assert.Equal(HttpStatusCode.OK, error.StatusCode);
        Assert.Contains("could not be read", error.Message, StringComparison.Ordinal);
        Assert.Equal("/crm/rest/v2/notes/42", error.Path);
    }

    [Theory]
    [MemberData(nameof(Both))]
    public async Task A_proxys_html_404_says_to_check_the_base_address(string via)
    {
        using var api = Start();
        api.Server.Given(Request.Create().UsingAnyMethod())
            .RespondWith(Response.Create().WithStatusCode(404).WithHeader("Content-Type", "text/html").WithBody("<html><body>Not Found</body></html>"));

        var error = await Assert.ThrowsAsync<KeapApiException>(() => SendAsync(api, via, "get"));

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Contains("Keap:ApiBaseAddress", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_rate_limiter_paces_custom_and_typed_calls_together()
    {
        const int PerSecond = 4;
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var attempts = new System.Collections.Concurrent.ConcurrentQueue<(DateTimeOffset At, string Path)>();
        using var api = Start(
            o =>
            {
                o.RateLimit.RequestsPerSecond = PerSecond;
                o.RateLimit.RequestsPerMinute = PerSecond * 60;
                o.Api.QuotaPacing = false;
                o.Api.Timeouts.Total = TimeSpan.FromMinutes(5);
            },
            time,
            b => b.ConfigureHttpClient(h => h.AddHttpMessageHandler(() => new AttemptRecorder(time, attempts))));
        api.Server.Given(Request.Create().UsingGet()).RespondWith(ApiHarness.Json(NoteJson));

        // One job split over the three ways to call Keap.
        var calls = Enumerable.Range(0, 8).SelectMany(_ => new Task[]
        {
            SendAsync(api, Refit, "get"),
            SendAsync(api, Plain, "get"),
            api.Contacts.GetAsync("42"),
        }).ToList();
        await api.DriveAsync(Task.WhenAll(calls), TimeSpan.FromMilliseconds(50));

        var grants = attempts.Select(a => a.At).Order().ToList();
        Assert.Equal(24, grants.Count);
        var busiest = grants.Select((start, i) => grants.Skip(i).TakeWhile(g => g - start < TimeSpan.FromSeconds(1)).Count()).Max();
        Assert.InRange(busiest, 1, PerSecond);
        Assert.Equal(16, attempts.Count(a => a.Path == "/crm/rest/v2/notes/42"));
    }

    [Fact]
    public async Task A_401_on_custom_and_typed_calls_at_once_refreshes_the_stored_token_once()
    {
        using var endpoint = new FakeTokenEndpoint();
        using var keap = WireMockServer.Start(new WireMock.Settings.WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });
        keap.Given(Request.Create().UsingGet().WithHeader("Authorization", "Bearer SECRET-at-1"))
            .RespondWith(ApiHarness.Json("""{"code":"401","message":"Invalid Access Token"}""", 401));
        keap.Given(Request.Create().UsingGet().WithHeader("Authorization", "Bearer SECRET-at-2")).RespondWith(ApiHarness.Json(NoteJson));
        using var host = StartHost(endpoint, keap);
        await host.SeedAsync(TimeSpan.FromHours(20));

        // The rate limiter spreads the calls over the fake clock.
        var storm = Task.WhenAll(Storm(host.Provider));
        await host.AdvanceUntilAsync(() => storm.IsCompleted, TimeSpan.FromMilliseconds(50));
        await storm;

        Assert.Equal(1, endpoint.RefreshCalls);
        Assert.Equal(30, keap.LogEntries.Count(e => e.ResponseMessage.StatusCode is 200));
    }

    [Fact]
    public async Task A_stored_token_expiring_during_a_storm_of_custom_and_typed_calls_is_refreshed_once()
    {
        using var endpoint = new FakeTokenEndpoint();
        using var keap = WireMockServer.Start(new WireMock.Settings.WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });
        keap.Given(Request.Create().UsingGet()).RespondWith(ApiHarness.Json(NoteJson));
        using var host = StartHost(endpoint, keap);

        // Inside the hard window: every caller must wait for the refresh instead of using the token.
        await host.SeedAsync(TimeSpan.FromSeconds(20));

        // The rate limiter spreads the calls over the fake clock.
        var storm = Task.WhenAll(Storm(host.Provider));
        await host.AdvanceUntilAsync(() => storm.IsCompleted, TimeSpan.FromMilliseconds(50));
        await storm;

        Assert.Equal(1, endpoint.RefreshCalls);
        Assert.All(keap.LogEntries, e => Assert.Equal("Bearer SECRET-at-2", e.RequestMessage.Headers!["Authorization"].Single()));
        Assert.Equal(30, keap.LogEntries.Count);
    }

    [Fact]
    public void Custom_and_typed_clients_share_one_pipeline_and_registering_twice_keeps_one_client()
    {
        using var api = Start(builder: b => b.AddApiClient<ICustomKeapApi>().AddHttpClient<PlainKeapClient>());

        Assert.Single(api.Services.GetServices<ICustomKeapApi>());
        Assert.Same(api.Services.GetRequiredService<Keap.ServiceAccount.Http.KeapResilience>(), api.Services.GetRequiredService<Keap.ServiceAccount.Http.KeapResilience>());
        Assert.Equal(new Uri(api.Server.Url + "/crm/"), api.Services.GetRequiredService<PlainKeapClient>().Http.BaseAddress);
    }

    private static IEnumerable<Task> Storm(IServiceProvider services) => Enumerable.Range(0, 10).SelectMany(_ => new Task[]
    {
        services.GetRequiredService<ICustomKeapApi>().GetNoteAsync("42", CancellationToken.None),
        ReadPlainAsync(services.GetRequiredService<PlainKeapClient>().Http),
        services.GetRequiredService<IKeapContactsClient>().GetAsync("42"),
    });

    private static async Task<CustomNote> ReadPlainAsync(HttpClient http)
    {
        using var response = await http.GetAsync(new Uri("rest/v2/notes/42", UriKind.Relative));
        return await response.ReadKeapJsonAsync<CustomNote>();
    }

    private static TokenTestHost StartHost(FakeTokenEndpoint endpoint, WireMockServer keap) => TokenTestHost.Create(
        endpoint,
        clock: new FakeTimeProvider(DateTimeOffset.UtcNow),
        configure: o => o.ApiBaseAddress = new Uri(keap.Url + "/crm/"),
        build: b => b.AddApiClient<ICustomKeapApi>().AddHttpClient<PlainKeapClient>());

    private static ApiHarness Start(Action<KeapServiceAccountOptions>? configure = null, FakeTimeProvider? time = null, Action<KeapServiceAccountBuilder>? builder = null) =>
        ApiHarness.Start(configure, time, b =>
        {
            b.AddApiClient<ICustomKeapApi>().AddHttpClient<PlainKeapClient>();
            builder?.Invoke(b);
        });

    private static HttpClient Http(ApiHarness api) => api.Services.GetRequiredService<PlainKeapClient>().Http;

    /// <summary>One call of <paramref name="kind"/> (get, create = unmarked POST, apply = marked POST) through the Refit interface or a plain HttpClient.</summary>
    private static async Task<CustomNote> SendAsync(ApiHarness api, string via, string kind)
    {
        var note = new CustomNote { Title = "Called" };
        if (via == Refit)
        {
            var custom = api.Services.GetRequiredService<ICustomKeapApi>();
            return kind switch
            {
                "get" => await custom.GetNoteAsync("42", CancellationToken.None),
                "create" => await custom.CreateNoteAsync(note, CancellationToken.None),
                _ => await custom.ApplyAsync(note, CancellationToken.None),
            };
        }

        using var request = kind == "get"
            ? new HttpRequestMessage(HttpMethod.Get, "rest/v2/notes/42")
            : new HttpRequestMessage(HttpMethod.Post, kind == "create" ? "rest/v2/notes" : "rest/v2/notes:apply") { Content = JsonContent.Create(note, options: KeapHttp.JsonOptions) };
        if (kind == "apply")
        {
            request.MarkKeapRepeatable();
        }

        using var response = await Http(api).SendAsync(request);
        return await response.ReadKeapJsonAsync<CustomNote>();
    }

    private sealed class DroppingHandler : HttpMessageHandler
    {
        private int _attempts;

        public int Attempts => Volatile.Read(ref _attempts);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _attempts);
            throw new HttpRequestException("The connection was closed before an answer arrived.");
        }
    }

    private sealed class AttemptRecorder(TimeProvider time, System.Collections.Concurrent.ConcurrentQueue<(DateTimeOffset At, string Path)> attempts) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            attempts.Enqueue((time.GetUtcNow(), request.RequestUri!.AbsolutePath));
            return base.SendAsync(request, cancellationToken);
        }
    }
}
