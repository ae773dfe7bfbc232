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
        using var api = ApiHarness.Start(o => o.Tags.BatchSize = 2);
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

    [Fact]
    public async Task Apply_reports_each_contacts_outcome_and_its_batch()
    {
        using var api = ApiHarness.Start(o => o.Tags.BatchSize = 2);
        api.Server.Given(Request.Create().WithPath(TagsPath + "/42/contacts:applyTags").UsingPost())
            .RespondWith(ApiHarness.Json("""{"results":{"1":"SUCCESS","2":"DUPLICATE","3":"NOT_FOUND","4":"FORBIDDEN"}}"""));

        var results = await api.Tags.ApplyAsync("42", ["1", "2", "3", "4", "5", "1"]);

        Assert.Equal("42", results.TagId);
        Assert.Equal(
            [
                ("1", KeapTagOutcome.Succeeded, "SUCCESS"),
                ("2", KeapTagOutcome.Unchanged, "DUPLICATE"),
                ("3", KeapTagOutcome.NotFound, "NOT_FOUND"),
                ("4", KeapTagOutcome.Other, "FORBIDDEN"),
                ("5", KeapTagOutcome.Other, (string?)null),
            ],
            results.Results.Select(r => (r.ContactId, r.Outcome, r.KeapOutcome)));

        // The batches (TagBatchSize 2) are the requests Keap received, no longer a property of each result.
        Assert.Equal(
            ["""{"contact_ids":["1","2"]}""", """{"contact_ids":["3","4"]}""", """{"contact_ids":["5"]}"""],
            api.Requests.Select(r => r.RequestMessage.Body));
        Assert.Equal(["1"], results.Succeeded);
        Assert.Equal(["2"], results.Unchanged);
        Assert.Equal(["3"], results.NotFound);
        Assert.Equal(["4", "5"], results.Other);
        Assert.False(results.AllSucceeded);
    }

    [Fact]
    public async Task Apply_to_a_deleted_contact_says_not_found()
    {
        _api.Server.Given(Request.Create().WithPath(TagsPath + "/42/contacts:applyTags").UsingPost())
            .RespondWith(ApiHarness.Json("""{"results":{"1":"NOT_FOUND"}}"""));

        var results = await _api.Tags.ApplyAsync("42", ["1"]);

        Assert.Equal(KeapTagOutcome.NotFound, Assert.Single(results.Results).Outcome);
    }

    [Fact]
    public async Task Remove_reports_every_contact_of_an_accepted_batch_as_succeeded()
    {
        _api.Server.Given(Request.Create().WithPath(TagsPath + "/42/contacts:removeTags").UsingPost()).RespondWith(Response.Create().WithStatusCode(204));

        var results = await _api.Tags.RemoveAsync("42", ["1", "2"]);

        Assert.Equal(["1", "2"], results.Succeeded);
        Assert.True(results.AllSucceeded);
    }

    /// <summary>Tag "vip" is found as 7, deleted in Keap (applyTags answers 404), and found again as 8.</summary>
    private void GivenVipDeletedAndRecreatedAs8()
    {
        _api.Server.Given(Request.Create().WithPath(TagsPath).UsingGet()).AtPriority(2).InScenario("deleted").WillSetStateTo("first lookup done")
            .RespondWith(ApiHarness.Json("""{"tags":[{"id":"7","name":"vip"}]}"""));
        _api.Server.Given(Request.Create().WithPath(TagsPath).UsingGet()).AtPriority(1).InScenario("deleted").WhenStateIs("first lookup done")
            .RespondWith(ApiHarness.Json("""{"tags":[{"id":"8","name":"vip"}]}"""));
        _api.Server.Given(Request.Create().WithPath(TagsPath + "/7/contacts:applyTags").UsingPost())
            .RespondWith(ApiHarness.Json("""{"code":404,"message":"Tag 7 not found","status":"NOT_FOUND"}""", 404));
        _api.Server.Given(Request.Create().WithPath(TagsPath + "/8/contacts:applyTags").UsingPost())
            .RespondWith(ApiHarness.Json("""{"results":{"1":"SUCCESS"}}"""));
    }

    [Fact]
    public async Task A_404_on_a_cached_tag_id_evicts_it_and_looks_the_name_up_once_more()
    {
        GivenVipDeletedAndRecreatedAs8();

        var cached = await _api.Tags.GetOrCreateIdAsync("vip");
        var results = await _api.Tags.ApplyAsync(cached, ["1"]);
        var again = await _api.Tags.GetOrCreateIdAsync("vip");

        Assert.Equal("7", cached);
        Assert.Equal("8", results.TagId);
        Assert.Equal(["1"], results.Succeeded);
        Assert.Equal("8", again);
        Assert.Equal(2, _api.Requests.Count(r => r.RequestMessage.Method == "GET"));
    }

    [Fact]
    public async Task Every_caller_still_holding_a_deleted_tags_cached_id_recovers_not_only_the_first()
    {
        GivenVipDeletedAndRecreatedAs8();
        var cached = await _api.Tags.GetOrCreateIdAsync("vip");

        // Web requests that read the id before the tag was deleted: the first one's 404 evicts it, the others' come after.
        var first = await _api.Tags.ApplyAsync(cached, ["1"]);
        var later = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => _api.Tags.ApplyAsync(cached, ["1"])));

        Assert.All(later.Prepend(first), r => Assert.Equal(("8", true), (r.TagId, r.AllSucceeded)));
        Assert.Equal(2, _api.Requests.Count(r => r.RequestMessage.Method == "GET"));
    }

    [Fact]
    public async Task A_404_on_a_tag_id_that_was_not_cached_is_reported()
    {
        _api.Server.Given(Request.Create().WithPath(TagsPath + "/7/contacts:applyTags").UsingPost())
            .RespondWith(ApiHarness.Json("""{"code":404,"message":"Tag 7 not found","status":"NOT_FOUND"}""", 404));

        var error = await Assert.ThrowsAsync<KeapApiException>(() => _api.Tags.ApplyAsync("7", ["1"]));

        Assert.Equal(System.Net.HttpStatusCode.NotFound, error.StatusCode);
        Assert.Single(_api.Requests);
    }

    public static TheoryData<string> Lists => ["ListAll", "FindByName", "GetOrCreateId", "ListForContact"];

    [Theory]
    [MemberData(nameof(Lists))]
    public async Task A_page_with_items_that_repeats_its_token_ends_the_list_with_an_error(string list)
    {
        // A page with items under a token already given is where data would loop: that stays an error.
        _api.Server.Given(Request.Create().WithPath(TagsPath).UsingGet()).RespondWith(ApiHarness.Json("""{"tags":[{"id":"1","name":"a"}],"next_page_token":"abc"}"""));
        _api.Server.Given(Request.Create().WithPath(ApiHarness.BasePath + "/rest/v2/contacts/1/tags").UsingGet())
            .RespondWith(ApiHarness.Json("""{"tags":[{"tag":{"id":"1","name":"a"}}],"next_page_token":"abc"}"""));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var error = await Assert.ThrowsAsync<KeapApiException>(() => RunAsync(list, timeout.Token));

        Assert.Contains("next_page_token", error.Message, StringComparison.Ordinal);
        Assert.InRange(_api.Requests.Count, 1, 2);
    }

    [Theory]
    [MemberData(nameof(Lists))]
    public async Task An_empty_page_that_hands_back_the_token_just_sent_ends_the_list_quietly(string list)
    {
        _api.Server.Given(Request.Create().WithPath(TagsPath).UsingGet().WithParam("page_token", "abc")).RespondWith(ApiHarness.Json("""{"tags":[],"next_page_token":"abc"}"""));
        _api.Server.Given(Request.Create().WithPath(TagsPath).UsingGet().WithParam("page_token", true, WireMock.Matchers.MatchBehaviour.RejectOnMatch))
            .RespondWith(ApiHarness.Json("""{"tags":[{"id":"1","name":"a"}],"next_page_token":"abc"}"""));
        _api.Server.Given(Request.Create().WithPath(TagsPath).UsingPost()).RespondWith(ApiHarness.Json("""{"id":"9","name":"vip"}""", 201));
        _api.Server.Given(Request.Create().WithPath(ApiHarness.BasePath + "/rest/v2/contacts/1/tags").UsingGet().WithParam("page_token", "abc"))
            .RespondWith(ApiHarness.Json("""{"tags":[],"next_page_token":"abc"}"""));
        _api.Server.Given(Request.Create().WithPath(ApiHarness.BasePath + "/rest/v2/contacts/1/tags").UsingGet().WithParam("page_token", true, WireMock.Matchers.MatchBehaviour.RejectOnMatch))
            .RespondWith(ApiHarness.Json("""{"tags":[{"tag":{"id":"1","name":"a"}}],"next_page_token":"abc"}"""));

        await RunAsync(list, CancellationToken.None);

        Assert.Equal(2, _api.Requests.Count(r => r.RequestMessage.Method == "GET"));
    }

    [Theory]
    [InlineData("buttonpushed")]
    [InlineData("BUTTONPUSHED")]
    public async Task GetOrCreate_finds_a_tag_keap_holds_in_another_case_instead_of_creating_it(string name)
    {
        _api.Server.Given(Request.Create().WithPath(TagsPath).UsingGet()).RespondWith(ApiHarness.Json("""{"tags":[{"id":"5","name":"ButtonPushed"}]}"""));
        _api.Server.Given(Request.Create().WithPath(TagsPath).UsingPost())
            .RespondWith(ApiHarness.Json($$"""{"code":"409","message":"A tag named '{{name}}' already exists","status":"ALREADY_EXISTS"}""", 409));

        Assert.Equal("5", await _api.Tags.GetOrCreateIdAsync(name));
        Assert.Equal("5", (await _api.Tags.FindByNameAsync(name))!.Id);
        Assert.DoesNotContain(_api.Requests, r => r.RequestMessage.Method == "POST");
    }

    [Fact]
    public async Task The_tag_with_the_exact_name_is_preferred_over_one_in_another_case()
    {
        _api.Server.Given(Request.Create().WithPath(TagsPath).UsingGet())
            .RespondWith(ApiHarness.Json("""{"tags":[{"id":"5","name":"ButtonPushed"},{"id":"6","name":"buttonpushed"}]}"""));

        Assert.Equal("6", await _api.Tags.GetOrCreateIdAsync("buttonpushed"));
        Assert.Equal("5", await _api.Tags.GetOrCreateIdAsync("ButtonPushed"));
    }

    [Fact]
    public async Task A_409_whose_tag_the_name_filter_cannot_find_is_resolved_by_paging_through_the_tags()
    {
        // Keap's name filter matches exact case while its uniqueness ignores case: only the full list shows the tag.
        _api.Server.Given(Request.Create().WithPath(TagsPath).UsingGet().WithParam("filter")).RespondWith(ApiHarness.Json("""{"tags":[]}"""));
        _api.Server.Given(Request.Create().WithPath(TagsPath).UsingGet().WithParam("filter", true, WireMock.Matchers.MatchBehaviour.RejectOnMatch).WithParam("page_token", "p2"))
            .RespondWith(ApiHarness.Json("""{"tags":[{"id":"5","name":"ButtonPushed"}]}"""));
        _api.Server.Given(Request.Create().WithPath(TagsPath).UsingGet().WithParam("filter", true, WireMock.Matchers.MatchBehaviour.RejectOnMatch).WithParam("page_token", true, WireMock.Matchers.MatchBehaviour.RejectOnMatch))
            .RespondWith(ApiHarness.Json("""{"tags":[{"id":"1","name":"a"}],"next_page_token":"p2"}"""));
        _api.Server.Given(Request.Create().WithPath(TagsPath).UsingPost())
            .RespondWith(ApiHarness.Json("""{"code":"409","message":"A tag named 'buttonpushed' already exists","status":"ALREADY_EXISTS"}""", 409));

        Assert.Equal("5", await _api.Tags.GetOrCreateIdAsync("buttonpushed"));
        Assert.Single(_api.Requests, r => r.RequestMessage.Method == "POST");
    }

    [Theory]
    [InlineData("Webinar; March 2025")]
    [InlineData("Sale, 50% off")]
    [InlineData("VIP*")]
    [InlineData("a==b")]
    [InlineData("score>5")]
    [InlineData("NONE")]
    public async Task A_name_keaps_filter_cannot_carry_is_found_by_paging_through_the_tags(string name)
    {
        _api.Server.Given(Request.Create().WithPath(TagsPath).UsingGet().WithParam("page_token", "p2"))
            .RespondWith(ApiHarness.Json($$"""{"tags":[{"id":"8","name":"{{name}}x"},{"id":"9","name":"{{name}}"}]}"""));
        _api.Server.Given(Request.Create().WithPath(TagsPath).UsingGet().WithParam("page_token", true, WireMock.Matchers.MatchBehaviour.RejectOnMatch))
            .RespondWith(ApiHarness.Json("""{"tags":[{"id":"1","name":"VIP"},{"id":"2","name":"Webinar"}],"next_page_token":"p2"}"""));

        var found = await _api.Tags.FindByNameAsync(name);
        var id = await _api.Tags.GetOrCreateIdAsync(name);

        Assert.Equal(("9", name), (found!.Id, found.Name));
        Assert.Equal("9", id);
        Assert.All(_api.Requests, r => Assert.False(r.RequestMessage.Query!.ContainsKey("filter")));
    }

    [Fact]
    public async Task A_name_keaps_filter_cannot_carry_is_created_when_no_page_holds_it()
    {
        _api.Server.Given(Request.Create().WithPath(TagsPath).UsingGet()).RespondWith(ApiHarness.Json("""{"tags":[{"id":"1","name":"Webinar"}]}"""));
        _api.Server.Given(Request.Create().WithPath(TagsPath).UsingPost()).RespondWith(ApiHarness.Json("""{"id":"9","name":"Webinar; March 2025"}""", 201));

        Assert.Equal("9", await _api.Tags.GetOrCreateIdAsync("Webinar; March 2025"));
        using var body = JsonDocument.Parse(Assert.Single(_api.Requests, r => r.RequestMessage.Method == "POST").RequestMessage.Body!);
        Assert.Equal("Webinar; March 2025", body.RootElement.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Empty_pages_that_keep_giving_new_tokens_end_after_one_extra_request()
    {
        _api.Server.Given(Request.Create().WithPath(TagsPath).UsingGet())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody("""{"tags":[],"next_page_token":"t{{request.query.page_token}}x"}""").WithTransformer());

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        await Assert.ThrowsAsync<KeapApiException>(async () =>
        {
            await foreach (var tag in _api.Tags.ListAllAsync(timeout.Token))
            {
                Assert.Fail("No tag expected: " + tag.Name);
            }
        });

        Assert.Equal(2, _api.Requests.Count);
    }

    [Fact]
    public async Task A_cancelled_GetOrCreate_stops_its_lookup_and_the_next_call_starts_a_fresh_one()
    {
        using var release = new ManualResetEventSlim();
        var firstReached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = 0;
        _api.Server.Given(Request.Create().WithPath(TagsPath).UsingGet()).RespondWith(Response.Create().WithCallback(_ =>
        {
            // The first lookup hangs until the test ends; the second answers at once.
            var call = Interlocked.Increment(ref calls);
            if (call == 1)
            {
                firstReached.TrySetResult();
                release.Wait(TimeSpan.FromSeconds(30));
            }

            return new WireMock.ResponseMessage
            {
                StatusCode = 200,
                Headers = new Dictionary<string, WireMock.Types.WireMockList<string>> { ["Content-Type"] = new("application/json") },
                BodyData = new WireMock.Util.BodyData { BodyAsString = $$"""{"tags":[{"id":"{{call}}","name":"vip"}]}""", DetectedBodyType = WireMock.Types.BodyType.String },
            };
        }));
        using var cancel = new CancellationTokenSource();

        var first = _api.Tags.GetOrCreateIdAsync("vip", cancel.Token);
        // WireMock logs a request only once answered: the callback says when the first lookup is on the wire.
        await firstReached.Task.WaitAsync(Eventually.Timeout);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        var second = await _api.Tags.GetOrCreateIdAsync("vip").WaitAsync(TimeSpan.FromSeconds(10));
        release.Set();

        Assert.Equal("2", second);
    }

    private async Task RunAsync(string list, CancellationToken cancellationToken)
    {
        switch (list)
        {
            case "ListAll":
                await foreach (var unused in _api.Tags.ListAllAsync(cancellationToken))
                {
                }

                break;
            case "FindByName":
                await _api.Tags.FindByNameAsync("vip", cancellationToken);
                break;
            case "GetOrCreateId":
                await _api.Tags.GetOrCreateIdAsync("vip", cancellationToken);
                break;
            default:
                await foreach (var unused in _api.Tags.ListForContactAsync("1", cancellationToken))
                {
                }

                break;
        }
    }
}
