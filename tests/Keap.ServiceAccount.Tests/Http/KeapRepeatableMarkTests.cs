using System.Net;
using Keap.ServiceAccount.Http;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;

namespace Keap.ServiceAccount.Tests.Http;

/// <summary>Whether a failed request is sent again follows the typed client's mark, not the look of its URL.</summary>
public sealed class KeapRepeatableMarkTests
{
    private const string Unavailable = """{"code":"503","message":"Unavailable"}""";

    /// <summary>URLs that look like an upsert or a tag operation; unmarked, they may have been applied and must not repeat.</summary>
    [Theory]
    [InlineData("POST", "rest/v2/tags/7/contacts:applyTags")]
    [InlineData("POST", "rest/v2/tags/7/contacts:removeTags")]
    [InlineData("POST", "rest/v2/contacts?duplicate_option=Email")]
    [InlineData("PATCH", "rest/v2/contacts/1?duplicate_option=Email")]
    public async Task An_unmarked_post_or_patch_is_never_repeated_after_a_503(string method, string path)
    {
        using var api = ApiHarness.Start();
        api.Server.Given(Request.Create().UsingAnyMethod()).RespondWith(ApiHarness.Json(Unavailable, 503));

        using var response = await SendAsync(api, new HttpMethod(method), path, mark: null);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Single(api.Requests);
    }

    [Theory]
    [InlineData("POST", true, 2)]
    [InlineData("PATCH", true, 2)]
    [InlineData("GET", false, 1)]
    [InlineData("GET", null, 2)]
    [InlineData("DELETE", null, 2)]
    public async Task The_mark_decides_and_an_unmarked_request_follows_its_method(string method, bool? mark, int attempts)
    {
        using var api = ApiHarness.Start(o => o.Api.Retry.MaxAttempts = 1);
        api.Server.Given(Request.Create().UsingAnyMethod()).RespondWith(ApiHarness.Json(Unavailable, 503));

        using var response = await SendAsync(api, new HttpMethod(method), "rest/v2/anything", mark);

        Assert.Equal(attempts, api.Requests.Count);
    }

    [Fact]
    public async Task The_typed_clients_mark_upserts_updates_opt_ins_and_tag_operations_and_leave_creations_unmarked()
    {
        var marks = new List<(string Path, bool? Repeatable)>();
        using var api = ApiHarness.Start(builder: b => b.ConfigureHttpClient(h => h.AddHttpMessageHandler(() => new MarkRecorder(marks))));
        api.Server.Given(Request.Create().WithPath(ApiHarness.BasePath + "/rest/v2/contacts").UsingPost()).RespondWith(ApiHarness.Json("""{"id":"1"}""", 201));
        api.Server.Given(Request.Create().WithPath(ApiHarness.BasePath + "/rest/v2/tags").UsingPost()).RespondWith(ApiHarness.Json("""{"id":"7","name":"t"}""", 201));
        api.Server.Given(Request.Create().WithPath(ApiHarness.BasePath + "/rest/v2/tags/7/contacts:*").UsingPost()).RespondWith(ApiHarness.Json("""{"results":{}}"""));
        api.Server.Given(Request.Create().WithPath(ApiHarness.BasePath + "/rest/v2/contacts/1").UsingPatch()).RespondWith(ApiHarness.Json("""{"id":"1"}"""));
        api.Server.Given(Request.Create().WithPath(ApiHarness.BasePath + "/rest/v2/emailAddresses/ada@example.com/status").UsingPatch())
            .RespondWith(ApiHarness.Json("""{"email":"ada@example.com","opted_in":true,"status":"SINGLE_OPT_IN","create_time":"2026-01-01T00:00:00Z"}"""));

        await api.Contacts.UpsertByEmailAsync(new KeapContactInput { Email = "ada@example.com", ArrayUpdate = KeapArrayUpdate.Replace });
        await api.Contacts.CreateAsync(new KeapContactInput { Email = "ada@example.com" });
        await api.Tags.ApplyAsync("7", ["1"]);
        await api.Tags.RemoveAsync("7", ["1"]);
        await api.Tags.CreateAsync("t");
        await api.Contacts.UpdateAsync("1", new KeapContactInput { GivenName = "Ada" });
        await api.Contacts.UpdateAsync("1", new KeapContactInput { UtmParameters = new KeapUtmParameters { KeapSourceId = "9" } });
        await api.Contacts.SetEmailOptInAsync("ada@example.com", optedIn: true, "Form");

        Assert.Equal(
            [
                ("/crm/rest/v2/contacts", true),
                ("/crm/rest/v2/contacts", null),
                ("/crm/rest/v2/tags/7/contacts:applyTags", true),
                ("/crm/rest/v2/tags/7/contacts:removeTags", true),
                ("/crm/rest/v2/tags", null),
                ("/crm/rest/v2/contacts/1", true),

                // Each write of a UTM touch records one more touch.
                ("/crm/rest/v2/contacts/1", false),
                ("/crm/rest/v2/emailAddresses/ada%40example.com/status", true),
            ],
            marks);
    }

    [Theory]
    [InlineData("upsert")]
    [InlineData("update")]
    public async Task A_write_that_records_a_utm_touch_is_sent_once_after_a_503_because_each_arrival_adds_a_touch(string write)
    {
        using var api = ApiHarness.Start(o => o.Api.Retry.MaxAttempts = 3);
        api.Server.Given(Request.Create().UsingAnyMethod()).RespondWith(ApiHarness.Json(Unavailable, 503));
        var contact = new KeapContactInput
        {
            Email = "ada@example.com",
            ArrayUpdate = KeapArrayUpdate.Replace,
            UtmParameters = new KeapUtmParameters { KeapSourceId = "9", UtmCampaign = "spring" },
        };

        var error = await Assert.ThrowsAsync<KeapApiException>(() => write == "upsert" ? api.Contacts.UpsertByEmailAsync(contact) : api.Contacts.UpdateAsync("1", contact));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
        Assert.Single(api.Requests);
        Assert.Contains(api.Logs.GetSnapshot(), r => r.Id.Id == 1104);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_marked_request_with_a_one_shot_body_is_repeated_with_the_same_body(bool serviceAccountKey)
    {
        using var api = ApiHarness.Start(o =>
        {
            o.Api.Retry.MaxAttempts = 1;
            o.ServiceAccountKey = serviceAccountKey ? "KeapAK-test" : null;
        });
        api.Server.Given(Request.Create().UsingAnyMethod()).RespondWith(ApiHarness.Json(Unavailable, 503));
        using var http = api.Services.GetRequiredService<IHttpClientFactory>().CreateClient(KeapApi.HttpClientName);
        using var request = new HttpRequestMessage(HttpMethod.Post, "rest/v2/anything")
        {
            // A stream that can be read once, like a request body copied from elsewhere.
            Content = new StreamContent(new ReadOnceStream("""{"contact_ids":["1"]}"""u8.ToArray())),
        };
        request.Options.Set(KeapRequestMarks.Repeatable, true);

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(2, api.Requests.Count);
        Assert.All(api.Requests, r => Assert.Equal("""{"contact_ids":["1"]}""", r.RequestMessage.Body));
    }

    private static async Task<HttpResponseMessage> SendAsync(ApiHarness api, HttpMethod method, string path, bool? mark)
    {
        using var http = api.Services.GetRequiredService<IHttpClientFactory>().CreateClient(KeapApi.HttpClientName);
        using var request = new HttpRequestMessage(method, path);
        if (method != HttpMethod.Get && method != HttpMethod.Delete)
        {
            request.Content = new StringContent("""{"contact_ids":["1"]}""", System.Text.Encoding.UTF8, "application/json");
        }

        if (mark is { } repeatable)
        {
            request.Options.Set(KeapRequestMarks.Repeatable, repeatable);
        }

        return await http.SendAsync(request);
    }

    private sealed class MarkRecorder(List<(string Path, bool? Repeatable)> marks) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            marks.Add((request.RequestUri!.AbsolutePath, request.Options.TryGetValue(KeapRequestMarks.Repeatable, out var repeatable) ? repeatable : null));
            return base.SendAsync(request, cancellationToken);
        }
    }

    private sealed class ReadOnceStream(byte[] data) : Stream
    {
        private readonly MemoryStream _inner = new(data);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
