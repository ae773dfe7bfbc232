using System.Text.Json;
using Keap.ServiceAccount.Tests.Http;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Keap.ServiceAccount.Tests.Tags;

public sealed class KeapTagsClientTests : IDisposable
{
    private const string TagsPath = ApiHarness.BasePath + "/rest/v2/tags";

    private readonly ApiHarness _api = ApiHarness.Start();

    public void Dispose() => _api.Dispose();

    [Fact]
    public async Task FindByName_filters_on_the_exact_name()
    {
        _api.Server.Given(Request.Create().WithPath(TagsPath).UsingGet())
            .RespondWith(ApiHarness.Json("""{"tags":[{"id":7,"name":"buttonpushed","description":"d","category":{"id":"1"}}]}"""));

        var tag = await _api.Tags.FindByNameAsync("buttonpushed");

        Assert.Equal("7", tag!.Id);
        Assert.Equal("d", tag.Description);
        Assert.Equal("name==buttonpushed", Assert.Single(_api.Requests).RequestMessage.Query!["filter"].Single());
    }

    [Fact]
    public async Task Create_posts_name_and_description()
    {
        _api.Server.Given(Request.Create().WithPath(TagsPath).UsingPost())
            .RespondWith(ApiHarness.Json("""{"id":"9","name":"vip"}""", 201));

        var tag = await _api.Tags.CreateAsync("vip", "Very important");

        Assert.Equal("9", tag.Id);
        using var body = JsonDocument.Parse(Assert.Single(_api.Requests).RequestMessage.Body!);
        Assert.Equal("vip", body.RootElement.GetProperty("name").GetString());
        Assert.Equal("Very important", body.RootElement.GetProperty("description").GetString());
    }

    [Fact]
    public async Task GetOrCreate_under_50_concurrent_first_callers_creates_one_tag_and_caches_its_id()
    {
        _api.Server.Given(Request.Create().WithPath(TagsPath).UsingGet()).RespondWith(ApiHarness.Json("""{"tags":[]}"""));
        _api.Server.Given(Request.Create().WithPath(TagsPath).UsingPost())
            .RespondWith(ApiHarness.Json("""{"id":"42","name":"buttonpushed"}""", 201).WithDelay(TimeSpan.FromMilliseconds(50)));
        using var gate = new ManualResetEventSlim();
        var tags = _api.Tags;

        var callers = Enumerable.Range(0, 50).Select(_ => Task.Run(async () =>
        {
            gate.Wait();
            return await tags.GetOrCreateIdAsync("buttonpushed");
        })).ToArray();
        gate.Set();
        var ids = await Task.WhenAll(callers);
        var again = await tags.GetOrCreateIdAsync("buttonpushed");

        Assert.All(ids, id => Assert.Equal("42", id));
        Assert.Equal("42", again);
        Assert.Single(_api.Requests, r => r.RequestMessage.Method == "POST");
        Assert.Single(_api.Requests, r => r.RequestMessage.Method == "GET");
    }

    [Fact]
    public async Task GetOrCreate_uses_the_tag_another_process_created_first()
    {
        _api.Server.Given(Request.Create().WithPath(TagsPath).UsingGet()).AtPriority(2).InScenario("race").WillSetStateTo("created")
            .RespondWith(ApiHarness.Json("""{"tags":[]}"""));
        _api.Server.Given(Request.Create().WithPath(TagsPath).UsingPost())
            .RespondWith(ApiHarness.Json("""{"code":"409","message":"Tag already exists","status":"ALREADY_EXISTS"}""", 409));
        _api.Server.Given(Request.Create().WithPath(TagsPath).UsingGet()).AtPriority(1).InScenario("race").WhenStateIs("created")
            .RespondWith(ApiHarness.Json("""{"tags":[{"id":"77","name":"buttonpushed"}]}"""));

        Assert.Equal("77", await _api.Tags.GetOrCreateIdAsync("buttonpushed"));
        Assert.Single(_api.Requests, r => r.RequestMessage.Method == "POST");
    }

    [Fact]
    public async Task GetOrCreate_tries_again_after_a_failure_instead_of_caching_it()
    {
        _api.Server.Given(Request.Create().WithPath(TagsPath).UsingGet()).AtPriority(2).InScenario("flaky").WillSetStateTo("up")
            .RespondWith(ApiHarness.Json("""{"code":"403","message":"Forbidden"}""", 403));
        _api.Server.Given(Request.Create().WithPath(TagsPath).UsingGet()).AtPriority(1).InScenario("flaky").WhenStateIs("up")
            .RespondWith(ApiHarness.Json("""{"tags":[{"id":"5","name":"x"}]}"""));

        await Assert.ThrowsAsync<KeapApiException>(() => _api.Tags.GetOrCreateIdAsync("x"));
        Assert.Equal("5", await _api.Tags.GetOrCreateIdAsync("x"));
    }

    [Fact]
    public async Task Apply_to_2500_contacts_sends_25_batches_of_at_most_100()
    {
        _api.Server.Given(Request.Create().WithPath(TagsPath + "/42/contacts:applyTags").UsingPost())
            .RespondWith(ApiHarness.Json("""{"results":{}}"""));
        var contactIds = Enumerable.Range(1, 2500).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();

        await _api.Tags.ApplyAsync("42", contactIds);

        var sent = _api.Requests
            .Select(r => JsonDocument.Parse(r.RequestMessage.Body!).RootElement.GetProperty("contact_ids").EnumerateArray().Select(e => e.GetString()!).ToList())
            .ToList();
        Assert.Equal(25, sent.Count);
        Assert.All(sent, batch => Assert.True(batch.Count <= 100));
        Assert.Equal(contactIds.Order(StringComparer.Ordinal), sent.SelectMany(b => b).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Remove_uses_the_configured_batch_size()
    {
        using var api = ApiHarness.Start(o => o.TagBatchSize = 2);
        api.Server.Given(Request.Create().WithPath(TagsPath + "/42/contacts:removeTags").UsingPost()).RespondWith(Response.Create().WithStatusCode(204));

        await api.Tags.RemoveAsync("42", ["1", "2", "3", "3"]);

        Assert.Equal(["""{"contact_ids":["1","2"]}""", """{"contact_ids":["3"]}"""], api.Requests.Select(r => r.RequestMessage.Body).Order());
    }

    [Fact]
    public async Task ListForContact_reads_the_applied_tags()
    {
        _api.Server.Given(Request.Create().WithPath(ApiHarness.BasePath + "/rest/v2/contacts/123/tags").UsingGet())
            .RespondWith(ApiHarness.Json("""{"tags":[{"tag":{"id":1,"name":"a"},"applied_time":"2024-01-01T00:00:00Z"},{"tag":{"id":"2","name":"b"}}]}"""));

        var names = new List<string>();
        await foreach (var tag in _api.Tags.ListForContactAsync("123"))
        {
            names.Add(tag.Id + tag.Name);
        }

        Assert.Equal(["1a", "2b"], names);
    }

    [Fact]
    public async Task ListAll_follows_pages()
    {
        _api.Server.Given(Request.Create().WithPath(TagsPath).UsingGet().WithParam("page_token", "n"))
            .RespondWith(ApiHarness.Json("""{"tags":[{"id":"2","name":"b"}]}"""));
        _api.Server.Given(Request.Create().WithPath(TagsPath).UsingGet().WithParam("page_token", true, WireMock.Matchers.MatchBehaviour.RejectOnMatch))
            .RespondWith(ApiHarness.Json("""{"tags":[{"id":"1","name":"a"}],"next_page_token":"n"}"""));

        var names = new List<string>();
        await foreach (var tag in _api.Tags.ListAllAsync())
        {
            names.Add(tag.Name);
        }

        Assert.Equal(["a", "b"], names);
    }
}
