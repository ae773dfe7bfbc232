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
    public async Task FindByEmail_picks_the_oldest_contact_the_lowest_id_when_keap_has_several_with_the_address()
    {
        Page(null, """{"contacts":[{"id":"20","email_addresses":[{"email":"ada@example.com","field":"EMAIL1"}]},{"id":"100"}],"next_page_token":"p2"}""");
        Page("p2", """{"contacts":[{"id":"3"}],"next_page_token":""}""");

        var contact = await _api.Contacts.FindByEmailAsync("ada@example.com");

        Assert.Equal("3", contact!.Id);
    }

    [Fact]
    public async Task FindAllByEmail_returns_every_contact_with_the_address_oldest_first_across_pages()
    {
        Page(null, """{"contacts":[{"id":"20"},{"id":"100"}],"next_page_token":"p2"}""");
        Page("p2", """{"contacts":[{"id":"3"}],"next_page_token":""}""");

        var contacts = await _api.Contacts.FindAllByEmailAsync("ada@example.com");

        Assert.Equal(["3", "20", "100"], contacts.Select(c => c.Id));
        Assert.All(_api.Requests, r => Assert.Equal("email==ada@example.com", r.RequestMessage.Query!["filter"].Single()));
    }

    [Fact]
    public async Task FindByEmail_with_a_filter_wildcard_in_the_address_keeps_only_contacts_that_have_that_address()
    {
        // Keap reads '*' as a prefix wildcard, so "ada*x@example.com" also finds ada@example.com.
        Page(null, """{"contacts":[{"id":"1","email_addresses":[{"email":"ada@example.com","field":"EMAIL1"}]},{"id":"2","email_addresses":[{"email":"ADA*x@Example.com","field":"EMAIL2"}]}],"next_page_token":""}""");

        var contact = await _api.Contacts.FindByEmailAsync("ada*x@example.com");

        Assert.Equal("2", contact!.Id);
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

    [Fact]
    public async Task Update_of_two_fields_repeats_update_mask_once_per_field_as_the_spec_declares()
    {
        _api.Server.Given(Request.Create().WithPath(ContactsPath + "/1001").UsingPatch()).RespondWith(ApiHarness.Json(ContactJson));

        await _api.Contacts.UpdateAsync("1001", new KeapContactInput { GivenName = "Ann", FamilyName = "Lee" });

        var request = Assert.Single(_api.Requests).RequestMessage;
        Assert.Equal(["given_name", "family_name"], request.Query!["update_mask"]);
        Assert.Contains("update_mask=given_name&update_mask=family_name", request.RawQuery, StringComparison.Ordinal);
        Assert.DoesNotContain("%2C", request.RawQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Changing_EMAIL1_keeps_EMAIL2_and_EMAIL3()
    {
        _api.Server.Given(Request.Create().WithPath(ContactsPath + "/123").UsingGet())
            .RespondWith(ApiHarness.Json("""{"id":123,"email_addresses":[{"email":"old@example.com","field":"EMAIL1","is_opt_in":true,"email_opt_status":"SINGLE_OPT_IN"},{"email":"two@example.com","field":"EMAIL2"},{"email":"three@example.com","field":"EMAIL3"}]}"""));
        _api.Server.Given(Request.Create().WithPath(ContactsPath + "/123").UsingPatch()).RespondWith(ApiHarness.Json(ContactJson));

        await _api.Contacts.UpdateAsync("123", new KeapContactInput { Email = "new@example.com" });

        var read = Assert.Single(_api.Requests, r => r.RequestMessage.Method == "GET").RequestMessage;
        Assert.Equal(["email_addresses"], read.Query!["fields"]);
        var patch = Assert.Single(_api.Requests, r => r.RequestMessage.Method == "PATCH").RequestMessage;
        Assert.Equal(
            """{"email_addresses":[{"email":"new@example.com","field":"EMAIL1"},{"email":"two@example.com","field":"EMAIL2"},{"email":"three@example.com","field":"EMAIL3"}]}""",
            patch.Body);
        Assert.Equal(["email_addresses"], patch.Query!["update_mask"]);
    }

    [Fact]
    public async Task With_Replace_the_arrays_given_are_sent_as_they_are_without_reading_first()
    {
        _api.Server.Given(Request.Create().WithPath(ContactsPath + "/123").UsingPatch()).RespondWith(ApiHarness.Json(ContactJson));

        await _api.Contacts.UpdateAsync("123", new KeapContactInput { Email = "new@example.com", ArrayUpdate = KeapArrayUpdate.Replace });

        Assert.Equal("""{"email_addresses":[{"email":"new@example.com","field":"EMAIL1"}]}""", Assert.Single(_api.Requests).RequestMessage.Body);
    }

    [Fact]
    public async Task A_merge_that_fills_every_slot_of_the_arrays_it_sets_sends_one_request_without_reading_first()
    {
        _api.Server.Given(Request.Create().WithPath(ContactsPath + "/123").UsingPatch()).RespondWith(ApiHarness.Json(ContactJson));
        _api.Server.Given(Request.Create().WithPath(ContactsPath).UsingPost()).RespondWith(ApiHarness.Json(ContactJson));
        var everyEmail = new KeapContactInput
        {
            Email = "one@example.com",
            EmailAddresses = [new KeapEmailAddress { Email = "two@example.com", Field = "EMAIL2" }, new KeapEmailAddress { Email = "three@example.com", Field = "email3" }],
            FaxNumbers = [new KeapFaxNumber { Number = "1", Field = "FAX1" }, new KeapFaxNumber { Number = "2", Field = "FAX2" }],
        };

        await _api.Contacts.UpdateAsync("123", everyEmail);
        await _api.Contacts.UpsertByEmailAsync(everyEmail);

        Assert.DoesNotContain(_api.Requests, r => r.RequestMessage.Method == "GET");
        Assert.All(_api.Requests, r => Assert.Equal(
            """{"email_addresses":[{"email":"one@example.com","field":"EMAIL1"},{"email":"two@example.com","field":"EMAIL2"},{"email":"three@example.com","field":"email3"}],"fax_numbers":[{"number":"1","field":"FAX1"},{"number":"2","field":"FAX2"}]}""",
            r.RequestMessage.Body));
    }

    [Fact]
    public async Task A_merge_that_leaves_a_slot_unset_reads_only_that_array()
    {
        _api.Server.Given(Request.Create().WithPath(ContactsPath + "/123").UsingGet())
            .RespondWith(ApiHarness.Json("""{"id":123,"phone_numbers":[{"number":"9","field":"PHONE3"}]}"""));
        _api.Server.Given(Request.Create().WithPath(ContactsPath + "/123").UsingPatch()).RespondWith(ApiHarness.Json(ContactJson));

        await _api.Contacts.UpdateAsync("123", new KeapContactInput
        {
            FaxNumbers = [new KeapFaxNumber { Number = "1", Field = "FAX1" }, new KeapFaxNumber { Number = "2", Field = "FAX2" }],
            PhoneNumbers = [new KeapPhoneNumber { Number = "1", Field = "PHONE1" }],
        });

        Assert.Equal(["phone_numbers"], Assert.Single(_api.Requests, r => r.RequestMessage.Method == "GET").RequestMessage.Query!["fields"]);
        Assert.Equal(
            """{"phone_numbers":[{"number":"9","field":"PHONE3"},{"number":"1","field":"PHONE1"}],"fax_numbers":[{"number":"1","field":"FAX1"},{"number":"2","field":"FAX2"}]}""",
            Assert.Single(_api.Requests, r => r.RequestMessage.Method == "PATCH").RequestMessage.Body);
    }

    [Fact]
    public async Task Merging_an_empty_list_changes_nothing_so_it_is_neither_read_nor_sent()
    {
        _api.Server.Given(Request.Create().WithPath(ContactsPath + "/123").UsingPatch()).RespondWith(ApiHarness.Json(ContactJson));

        await _api.Contacts.UpdateAsync("123", new KeapContactInput { GivenName = "Ada", PhoneNumbers = [] });

        var patch = Assert.Single(_api.Requests).RequestMessage;
        Assert.Equal("""{"given_name":"Ada"}""", patch.Body);
        Assert.Equal(["given_name"], patch.Query!["update_mask"]);
    }

    [Fact]
    public async Task Merging_an_item_without_its_slot_is_refused()
    {
        _api.Server.Given(Request.Create().WithPath(ContactsPath + "/123").UsingGet()).RespondWith(ApiHarness.Json(ContactJson));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => _api.Contacts.UpdateAsync("123", new KeapContactInput { PhoneNumbers = [new KeapPhoneNumber { Number = "555" }] }));

        Assert.Contains("KeapArrayUpdate.Replace", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_api.Requests, r => r.RequestMessage.Method == "PATCH");
    }

    [Fact]
    public async Task An_upsert_keeps_the_existing_contacts_other_addresses()
    {
        _api.Server.Given(Request.Create().WithPath(ContactsPath).UsingGet())
            .RespondWith(ApiHarness.Json("""{"contacts":[{"id":1,"email_addresses":[{"email":"ada@example.com","field":"EMAIL1"},{"email":"ada@work.example.com","field":"EMAIL2"}]}]}"""));
        _api.Server.Given(Request.Create().WithPath(ContactsPath).UsingPost()).RespondWith(ApiHarness.Json(ContactJson));

        var result = await _api.Contacts.UpsertByEmailAsync(new KeapContactInput { Email = "ada@example.com", EmailOptInReason = "Signed up" });

        Assert.False(result.Created);
        var lookup = Assert.Single(_api.Requests, r => r.RequestMessage.Method == "GET").RequestMessage;
        Assert.Equal("email==ada@example.com", lookup.Query!["filter"].Single());
        var post = Assert.Single(_api.Requests, r => r.RequestMessage.Method == "POST").RequestMessage;
        Assert.Equal(
            """{"email_addresses":[{"email":"ada@example.com","field":"EMAIL1","opt_in_reason":"Signed up"},{"email":"ada@work.example.com","field":"EMAIL2"}]}""",
            post.Body);
    }

    [Fact]
    public async Task A_contacts_page_with_items_that_repeats_its_token_ends_the_list_with_an_error_after_one_more_request()
    {
        // A page with items under a token already given is where data would loop: that stays an error.
        _api.Server.Given(Request.Create().WithPath(ContactsPath).UsingGet()).RespondWith(ApiHarness.Json("""{"contacts":[{"id":"1"}],"next_page_token":"abc"}"""));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var ids = new List<string>();

        var error = await Assert.ThrowsAsync<KeapApiException>(async () =>
        {
            await foreach (var contact in _api.Contacts.ListAllAsync(timeout.Token))
            {
                ids.Add(contact.Id);
            }
        });

        Assert.Contains("next_page_token", error.Message, StringComparison.Ordinal);
        Assert.Equal(["1"], ids);
        Assert.Equal(2, _api.Requests.Count);
    }

    [Fact]
    public async Task An_empty_page_that_hands_back_the_token_just_sent_ends_the_list_quietly()
    {
        Page(null, """{"contacts":[{"id":"1"}],"next_page_token":"abc"}""");
        Page("abc", """{"contacts":[],"next_page_token":"abc"}""");

        var ids = new List<string>();
        await foreach (var contact in _api.Contacts.ListAllAsync())
        {
            ids.Add(contact.Id);
        }

        var pages = new List<KeapContactPage>();
        await foreach (var page in _api.Contacts.ListChangedSinceAsync(DateTimeOffset.UnixEpoch))
        {
            pages.Add(page);
        }

        Assert.Equal(["1"], ids);
        Assert.Equal(["1"], pages.SelectMany(p => p.Contacts).Select(c => c.Id));
        Assert.Null(pages[^1].NextPageToken);
        Assert.Equal(4, _api.Requests.Count);
    }

    [Fact]
    public async Task An_empty_page_that_hands_back_an_earlier_token_ends_the_list_quietly_too()
    {
        Page(null, """{"contacts":[{"id":"1"}],"next_page_token":"p2"}""");
        Page("p2", """{"contacts":[{"id":"2"}],"next_page_token":"p3"}""");
        Page("p3", """{"contacts":[],"next_page_token":"p2"}""");

        var ids = new List<string>();
        await foreach (var contact in _api.Contacts.ListAllAsync())
        {
            ids.Add(contact.Id);
        }

        Assert.Equal(["1", "2"], ids);
        Assert.Equal(3, _api.Requests.Count);
    }

    [Fact]
    public async Task A_cancelled_list_sends_no_further_request()
    {
        Page(null, """{"contacts":[{"id":"1"}],"next_page_token":"p2"}""");
        Page("p2", """{"contacts":[{"id":"2"}]}""");
        using var cancel = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var contact in _api.Contacts.ListAllAsync(cancel.Token))
            {
                await cancel.CancelAsync();
            }
        });

        Assert.Single(_api.Requests);
    }

    [Fact]
    public async Task Changed_since_filters_and_orders_by_update_time_and_resumes_from_a_kept_token()
    {
        _api.Server.Given(Request.Create().WithPath(ContactsPath).UsingGet().WithParam("page_token", "p2"))
            .RespondWith(ApiHarness.Json("""{"contacts":[{"id":"3","update_time":"2026-01-02T00:00:00Z"}]}"""));
        _api.Server.Given(Request.Create().WithPath(ContactsPath).UsingGet().WithParam("page_token", true, WireMock.Matchers.MatchBehaviour.RejectOnMatch))
            .RespondWith(ApiHarness.Json("""{"contacts":[{"id":"1"},{"id":"2"}],"next_page_token":"p2"}"""));
        var since = new DateTimeOffset(2026, 1, 1, 1, 0, 0, TimeSpan.FromHours(1));

        var pages = new List<KeapContactPage>();
        await foreach (var page in _api.Contacts.ListChangedSinceAsync(since))
        {
            pages.Add(page);
        }

        var resumed = new List<KeapContactPage>();
        await foreach (var page in _api.Contacts.ListChangedSinceAsync(since, pages[0].NextPageToken))
        {
            resumed.Add(page);
        }

        Assert.Equal([["1", "2"], ["3"]], pages.Select(p => p.Contacts.Select(c => c.Id).ToArray()));
        Assert.Equal(["p2", null], pages.Select(p => p.NextPageToken));
        Assert.Equal(["3"], Assert.Single(resumed).Contacts.Select(c => c.Id));
        Assert.All(_api.Requests, r =>
        {
            Assert.Equal("start_update_time==2026-01-01T00:00:00.000Z", r.RequestMessage.Query!["filter"].Single());
            Assert.Equal("update_time asc", r.RequestMessage.Query!["order_by"].Single());
        });
        Assert.Equal(3, _api.Requests.Count);
    }

    [Fact]
    public async Task Email_status_is_read_and_changed_with_keaps_body_and_unknown_addresses_read_as_null()
    {
        _api.Server.Given(Request.Create().WithPath(ApiHarness.BasePath + "/rest/v2/emailAddresses/ada@example.com/status").UsingGet())
            .RespondWith(ApiHarness.Json("""{"email":"ada@example.com","opted_in":false,"status":"LIST_UNSUBSCRIBE","create_time":"2024-05-21T14:30:00Z","last_sent_time":"2024-05-21T14:30:00Z"}"""));
        _api.Server.Given(Request.Create().WithPath(ApiHarness.BasePath + "/rest/v2/emailAddresses/ada@example.com/status").UsingPatch())
            .RespondWith(ApiHarness.Json("""{"email":"ada@example.com","opted_in":false,"status":"LIST_UNSUBSCRIBE","create_time":"2024-05-21T14:30:00Z"}"""));
        _api.Server.Given(Request.Create().WithPath(ApiHarness.BasePath + "/rest/v2/emailAddresses/nobody@example.com/status").UsingGet())
            .RespondWith(ApiHarness.Json("""{"code":404,"message":"Not found","status":"NOT_FOUND"}""", 404));

        var status = await _api.Contacts.GetEmailStatusAsync("ada@example.com");
        var changed = await _api.Contacts.SetEmailOptInAsync("ada@example.com", optedIn: true, "Asked by phone");
        var unknown = await _api.Contacts.GetEmailStatusAsync("nobody@example.com");

        Assert.Equal(KeapEmailStatus.ListUnsubscribe, status!.Status);
        Assert.False(status.Status.CanBeOptedInByApi);
        Assert.Equal(new DateTimeOffset(2024, 5, 21, 14, 30, 0, TimeSpan.Zero), status.LastSentTime);
        Assert.False(changed.OptedIn);
        Assert.Null(unknown);
        var patch = Assert.Single(_api.Requests, r => r.RequestMessage.Method == "PATCH").RequestMessage;
        Assert.Equal("""{"reason":"Asked by phone","opted_in":true}""", patch.Body);
    }

    [Fact]
    public async Task An_opt_in_reason_without_the_Email_it_is_for_is_refused_rather_than_dropped()
    {
        var withAddresses = new KeapContactInput { EmailAddresses = [new KeapEmailAddress { Email = "ada@example.com", Field = "EMAIL1" }], EmailOptInReason = "Ticked the box" };
        var alone = new KeapContactInput { GivenName = "Ada", EmailOptInReason = "Ticked the box" };

        var create = await Assert.ThrowsAsync<ArgumentException>(() => _api.Contacts.CreateAsync(withAddresses));
        await Assert.ThrowsAsync<ArgumentException>(() => _api.Contacts.UpsertByEmailAsync(withAddresses));
        await Assert.ThrowsAsync<ArgumentException>(() => _api.Contacts.UpdateAsync("123", alone));

        Assert.Contains("EmailOptInReason", create.Message, StringComparison.Ordinal);
        Assert.Empty(_api.Requests);
    }

    [Theory]
    [InlineData("PHONE1", "PHONE1")]
    [InlineData("PHONE2", "phone2")]
    public async Task Two_items_for_one_slot_are_refused_with_the_slot_named_before_any_call(string first, string second)
    {
        var changes = new KeapContactInput { PhoneNumbers = [new KeapPhoneNumber { Number = "1", Field = first }, new KeapPhoneNumber { Number = "2", Field = second }] };

        var merge = await Assert.ThrowsAsync<ArgumentException>(() => _api.Contacts.UpdateAsync("123", changes));
        var replace = await Assert.ThrowsAsync<ArgumentException>(() => _api.Contacts.UpdateAsync("123", new KeapContactInput { PhoneNumbers = changes.PhoneNumbers, ArrayUpdate = KeapArrayUpdate.Replace }));

        Assert.Contains($"'{first}'", merge.Message, StringComparison.Ordinal);
        Assert.Contains("phone number", replace.Message, StringComparison.Ordinal);
        Assert.Empty(_api.Requests);
    }

    [Fact]
    public async Task Email_overrides_an_EMAIL1_item_whatever_its_case()
    {
        _api.Server.Given(Request.Create().WithPath(ContactsPath + "/123").UsingGet())
            .RespondWith(ApiHarness.Json("""{"id":123,"email_addresses":[{"email":"old@example.com","field":"EMAIL1"}]}"""));
        _api.Server.Given(Request.Create().WithPath(ContactsPath + "/123").UsingPatch()).RespondWith(ApiHarness.Json(ContactJson));

        await _api.Contacts.UpdateAsync("123", new KeapContactInput { Email = "new@example.com", EmailAddresses = [new KeapEmailAddress { Email = "ignored@example.com", Field = "email1" }] });

        var patch = Assert.Single(_api.Requests, r => r.RequestMessage.Method == "PATCH").RequestMessage;
        Assert.Equal("""{"email_addresses":[{"email":"new@example.com","field":"EMAIL1"}]}""", patch.Body);
    }

    [Fact]
    public async Task An_additional_property_that_names_a_modelled_one_is_refused_so_update_mask_stays_unique()
    {
        var changes = new KeapContactInput { GivenName = "Ada" };
        changes.AdditionalProperties["given_name"] = JsonDocument.Parse("\"Augusta\"").RootElement.Clone();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => _api.Contacts.UpdateAsync("123", changes));

        Assert.Contains("'given_name'", error.Message, StringComparison.Ordinal);
        Assert.Empty(_api.Requests);
    }

    [Fact]
    public async Task An_email_status_failure_names_no_email_address_in_its_message_path_or_logs()
    {
        const string StatusPath = ApiHarness.BasePath + "/rest/v2/emailAddresses/ada.lovelace@example.com/status";
        _api.Server.Given(Request.Create().WithPath(StatusPath).UsingPatch()).RespondWith(ApiHarness.Json("""{"code":400,"message":"Bad reason","status":"INVALID_ARGUMENT"}""", 400));
        _api.Server.Given(Request.Create().WithPath(StatusPath).UsingGet()).RespondWith(ApiHarness.Json("not json"));

        var refused = await Assert.ThrowsAsync<KeapApiException>(() => _api.Contacts.SetEmailOptInAsync("ada.lovelace@example.com", optedIn: true, "Asked by phone"));
        var unreadable = await Assert.ThrowsAsync<KeapApiException>(() => _api.Contacts.GetEmailStatusAsync("ada.lovelace@example.com"));

        Assert.All(new[] { refused, unreadable }, e =>
        {
            Assert.DoesNotContain("lovelace", e.Message + e.Path + e, StringComparison.OrdinalIgnoreCase);
            Assert.Equal(ApiHarness.BasePath + "/rest/v2/emailAddresses/{email}/status", e.Path);
        });
        Assert.Contains("{email}", _api.AllLogText(), StringComparison.Ordinal);
        Assert.DoesNotContain("lovelace", _api.AllLogText(), StringComparison.OrdinalIgnoreCase);
    }
}
