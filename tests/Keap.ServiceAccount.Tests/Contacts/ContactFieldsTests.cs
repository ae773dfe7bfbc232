using System.Collections;
using System.Text.Json;
using Keap.ServiceAccount.Tests.Http;
using WireMock.RequestBuilders;

namespace Keap.ServiceAccount.Tests.Contacts;

/// <summary>Every field of Keap's v2 contact, read from and written to a WireMock Keap with the spec's example bodies.</summary>
public sealed class ContactFieldsTests : IDisposable
{
    private const string ContactsPath = ApiHarness.BasePath + "/rest/v2/contacts";
    private const string ModelJson = """
        {"custom_fields":[
          {"id":123,"label":"Favorite Color","field_type":"DROPDOWN","record_type":"CONTACT","field_name":"favoriteColor",
           "group_id":45,"group_name":"Personal Info","default_value":"Blue","options":[{"id":"1","label":"Blue"},{"id":"2","label":"Green"}]},
          {"id":124,"label":"Score","field_type":"WHOLE_NUMBER","field_name":"Score0"},
          {"id":125,"label":"Member Since","field_type":"DATE"},
          {"id":126,"label":"Newsletter","field_type":"YES_NO"}],
         "optional_properties":["notes"]}
        """;

    private readonly ApiHarness _api = ApiHarness.Start();

    public void Dispose() => _api.Dispose();

    [Fact]
    public async Task Every_property_of_the_specs_example_contact_is_read_with_numbers_where_the_schema_says_string()
    {
        _api.Server.Given(Request.Create().WithPath(ContactsPath + "/1001").UsingGet()).RespondWith(ApiHarness.Json(ContactSamples.SpecContactJson));

        var contact = (await _api.Contacts.GetAsync("1001"))!;

        Assert.Equal("1001", contact.Id);
        Assert.Equal("john.smith@example.com", contact.Email);
        Assert.Equal(("Subscribed via website form", true, KeapEmailStatus.SingleOptIn), (contact.EmailAddresses[0].OptInReason, contact.EmailAddresses[0].IsOptIn, contact.EmailAddresses[0].Status!.Value));
        Assert.Equal("A_STATUS_FROM_THE_FUTURE", contact.EmailAddresses[1].Status!.Value.Value);
        Assert.Equal(("5551234567", "101", "PHONE1", "+15551234567"), (contact.PhoneNumbers[0].Number, contact.PhoneNumbers[0].Extension, contact.PhoneNumbers[0].Field, contact.PhoneNumbers[0].NumberE164));
        Assert.Equal(("5551234568", "FAX1"), (contact.FaxNumbers[0].Number, contact.FaxNumbers[0].Field));
        var address = contact.Addresses[0];
        Assert.Equal(("123", "85001", "85001", "1234", "US-AZ", "USA", "Arizona", "United States of America"), (address.Line1, address.PostalCode, address.ZipCode, address.ZipFour, address.RegionCode, address.CountryCode, address.Region, address.Country));
        Assert.Equal(("100", "Thryv"), (contact.Company!.Id, contact.Company.CompanyName));
        Assert.Equal(("12", "45", "85", "7", "5551234567", "1", "2"), (contact.LeadSourceId, contact.OwnerId, contact.ScoreValue, contact.AccountId, contact.AssistantPhone, contact.CreatedBy, contact.LastUpdatedBy));
        Assert.Equal(new DateOnly(1985, 3, 15), contact.BirthDate);
        Assert.Equal(new DateOnly(2015, 6, 20), contact.AnniversaryDate);
        Assert.Equal(new DateTimeOffset(2024, 3, 15, 10, 30, 0, TimeSpan.Zero), contact.UpdateTime);
        Assert.Equal(new DateTimeOffset(2024, 1, 10, 8, 0, 0, TimeSpan.Zero), contact.CreateTime);
        Assert.Equal(("192.0.2.10", new DateTimeOffset(2024, 1, 10, 8, 0, 0, TimeSpan.Zero)), (contact.Origin!.IpAddress, contact.Origin.Date!.Value));
        Assert.Equal(KeapContactSourceType.Api, contact.SourceType);
        Assert.Equal(["5", "6"], contact.TagIds);
        Assert.Equal(("FACEBOOK", "@thryv"), (contact.SocialAccounts[0].Type, contact.SocialAccounts[0].Name));
        var touch = Assert.Single(contact.UtmParameters);
        Assert.Equal(("6088383224687662", "google", "cpc", "financial_consulting", "spring_sale", "textlink", true, true), (touch.KeapSourceId, touch.UtmSource, touch.UtmMedium, touch.UtmTerm, touch.UtmCampaign, touch.UtmContent, touch.FirstTouch!.Value, touch.LastTouch!.Value));
        Assert.Equal(("1", "2001", "1", "Spouse"), (contact.Links[0].Id, contact.Links[0].LinkedContactId, contact.Links[0].LinkTypeId, contact.Links[0].LinkTypeName));
        Assert.Equal(["123", "124"], contact.CustomFields.Select(c => c.Id));
        Assert.Equal("""{"nested":[1,2]}""", contact.AdditionalProperties["a_property_keap_adds_later"].GetRawText().Replace(" ", "", StringComparison.Ordinal));

        // Nothing the spec names is left unread.
        var unset = typeof(KeapContact).GetProperties()
            .Where(p => p.Name != nameof(KeapContact.AdditionalProperties))
            .Where(p => p.GetValue(contact) is null or ICollection { Count: 0 })
            .Select(p => p.Name);
        Assert.Empty(unset);
    }

    [Fact]
    public async Task A_create_sends_every_property_of_the_specs_request_with_the_specs_names_and_forms()
    {
        StubModel();
        _api.Server.Given(Request.Create().WithPath(ContactsPath).UsingPost()).RespondWith(ApiHarness.Json(ContactSamples.SpecContactJson, 201));
        var input = ContactSamples.EveryField();
        input.CustomFields.SetById("124", 42).Set("Favorite Color", "Green");

        await _api.Contacts.CreateAsync(input);

        using var body = JsonDocument.Parse(Assert.Single(_api.Requests, r => r.RequestMessage.Method == "POST").RequestMessage.Body!);
        var root = body.RootElement;
        Assert.Equal(ContactSamples.CreateUpdateContactRequest.Order(StringComparer.Ordinal), root.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("1985-03-15", root.GetProperty("birth_date").GetString());
        Assert.Equal("2015-06-20", root.GetProperty("anniversary_date").GetString());
        Assert.Equal("API", root.GetProperty("source_type").GetString());
        Assert.Equal("12", root.GetProperty("leadsource_id").GetString());
        Assert.Equal("""{"ip_address":"192.0.2.10"}""", root.GetProperty("origin").GetRawText());
        Assert.Equal("6088383224687662", root.GetProperty("utm_parameters").GetProperty("keap_source_id").GetString());
        Assert.Equal(
            """[{"email":"john.smith@example.com","field":"EMAIL1","opt_in_reason":"Subscribed via website form"},{"email":"john@work.example.com","field":"EMAIL2"}]""",
            root.GetProperty("email_addresses").GetRawText());
        Assert.Equal("""[{"id":"124","content":42},{"id":"123","content":"Green"}]""", root.GetProperty("custom_fields").GetRawText());
    }

    [Fact]
    public async Task Properties_keap_adds_later_survive_a_read_and_a_write_back()
    {
        _api.Server.Given(Request.Create().WithPath(ContactsPath + "/1001").UsingGet()).RespondWith(ApiHarness.Json(ContactSamples.SpecContactJson));
        _api.Server.Given(Request.Create().WithPath(ContactsPath + "/1001").UsingPatch()).RespondWith(ApiHarness.Json(ContactSamples.SpecContactJson));
        var read = (await _api.Contacts.GetAsync("1001"))!;
        var changes = new KeapContactInput();
        foreach (var (name, value) in read.AdditionalProperties)
        {
            changes.AdditionalProperties[name] = value;
        }

        await _api.Contacts.UpdateAsync("1001", changes);

        var patch = Assert.Single(_api.Requests, r => r.RequestMessage.Method == "PATCH").RequestMessage;
        using var body = JsonDocument.Parse(patch.Body!);
        Assert.Equal("""{"nested":[1,2]}""", body.RootElement.GetProperty("a_property_keap_adds_later").GetRawText().Replace(" ", "", StringComparison.Ordinal));
        Assert.Equal(["a_property_keap_adds_later"], patch.Query!["update_mask"]);
    }

    [Fact]
    public async Task Custom_fields_are_written_by_label_and_read_by_label_with_the_model_fetched_once()
    {
        StubModel();
        _api.Server.Given(Request.Create().WithPath(ContactsPath + "/1001").UsingPatch()).RespondWith(ApiHarness.Json(ContactSamples.SpecContactJson));

        var changes = new KeapContactInput { ArrayUpdate = KeapArrayUpdate.Replace, CustomFields = { ["Score"] = 7, ["Member Since"] = new DateOnly(2020, 2, 29), ["Newsletter"] = true } };
        var updated = await _api.Contacts.UpdateAsync("1001", changes);
        var model = await _api.Contacts.GetModelAsync();

        var patch = Assert.Single(_api.Requests, r => r.RequestMessage.Method == "PATCH").RequestMessage;
        using var body = JsonDocument.Parse(patch.Body!);
        Assert.Equal("""[{"id":"124","content":7},{"id":"125","content":"2020-02-29"},{"id":"126","content":true}]""", body.RootElement.GetProperty("custom_fields").GetRawText());
        Assert.Equal(["custom_fields"], patch.Query!["update_mask"]);
        Assert.Equal("Blue", updated.GetCustomFieldValue<string>("favorite color", model));
        Assert.Equal(42, updated.GetCustomFieldValue<int>("Score", model));
        Assert.Equal(42m, updated.GetCustomFieldValueById<decimal>("124", model));
        Assert.Throws<ArgumentException>(() => updated.GetCustomFieldValueById<int>("999", model));
        Assert.Throws<InvalidCastException>(() => updated.GetCustomFieldValue<bool>("Score", model));
        Assert.Equal(("favoriteColor", "Personal Info", "Blue", 2), (model.FindByLabel("Favorite Color")!.FieldName, model.FindByLabel("Favorite Color")!.GroupName, model.FindByLabel("Favorite Color")!.DefaultValue, model.FindByLabel("Favorite Color")!.Options.Count));
        Assert.Single(_api.Requests, r => r.RequestMessage.Path.EndsWith("/contacts/model", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_value_of_the_wrong_type_is_refused_before_anything_is_written()
    {
        StubModel();

        var wrongType = await Assert.ThrowsAsync<ArgumentException>(() => _api.Contacts.UpdateAsync("1001", new KeapContactInput { CustomFields = { ["Score"] = "seven" } }));
        var notAnOption = await Assert.ThrowsAsync<ArgumentException>(() => _api.Contacts.UpdateAsync("1001", new KeapContactInput { CustomFields = { ["Favorite Color"] = "Purple" } }));

        Assert.Contains("'Score' (id 124) is WHOLE_NUMBER: it takes an integer, not the string 'seven'", wrongType.Message, StringComparison.Ordinal);
        Assert.Contains("'Blue', 'Green'", notAnOption.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_api.Requests, r => r.RequestMessage.Method == "PATCH");
    }

    [Fact]
    public async Task An_unknown_label_refreshes_the_model_once_then_says_which_labels_exist()
    {
        StubModel();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => _api.Contacts.CreateAsync(new KeapContactInput { Email = "a@example.com", CustomFields = { ["Favourite Colour"] = "Blue" } }));

        Assert.Contains("no contact custom field labelled 'Favourite Colour'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'Favorite Color', 'Score', 'Member Since', 'Newsletter'", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, _api.Requests.Count(r => r.RequestMessage.Path.EndsWith("/contacts/model", StringComparison.Ordinal)));
        Assert.DoesNotContain(_api.Requests, r => r.RequestMessage.Method == "POST");
    }

    [Fact]
    public void Reading_an_unknown_label_names_the_labels_that_exist()
    {
        var model = new KeapContactModel { CustomFields = [new KeapCustomField { Id = "1", Label = "Score" }] };

        var error = Assert.Throws<ArgumentException>(() => new KeapContact { Id = "1" }.GetCustomFieldValue<int>("Scroe", model));

        Assert.Contains("'Score'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_field_set_twice_by_label_and_id_or_in_two_cases_is_refused_before_anything_is_written()
    {
        StubModel();
        var byLabelAndId = new KeapContactInput { ArrayUpdate = KeapArrayUpdate.Replace };
        byLabelAndId.CustomFields.Set("Score", 1).SetById("124", 2);
        var inTwoCases = new KeapContactInput { CustomFields = { ["Score"] = 1, ["score"] = 2 } };

        var first = await Assert.ThrowsAsync<ArgumentException>(() => _api.Contacts.UpdateAsync("1001", byLabelAndId));
        await Assert.ThrowsAsync<ArgumentException>(() => _api.Contacts.UpdateAsync("1001", inTwoCases));

        Assert.Contains("'124'", first.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_api.Requests, r => r.RequestMessage.Method == "PATCH");
    }

    [Fact]
    public async Task An_option_added_in_keap_after_the_model_was_cached_is_accepted_after_one_re_read()
    {
        const string RedBlue = """{"custom_fields":[{"id":"7","label":"Colour","field_type":"DROPDOWN","options":[{"id":"1","label":"Red"},{"id":"2","label":"Blue"}]}]}""";
        const string RedBlueGreen = """{"custom_fields":[{"id":"7","label":"Colour","field_type":"DROPDOWN","options":[{"id":"1","label":"Red"},{"id":"2","label":"Blue"},{"id":"3","label":"Green"}]}]}""";
        _api.Server.Given(Request.Create().WithPath(ContactsPath + "/model").UsingGet()).AtPriority(2).RespondWith(ApiHarness.Json(RedBlue));
        _api.Server.Given(Request.Create().WithPath(ContactsPath + "/1001").UsingPatch()).RespondWith(ApiHarness.Json(ContactSamples.SpecContactJson));
        await _api.Contacts.GetModelAsync();

        // An administrator adds Green in Keap.
        _api.Server.Given(Request.Create().WithPath(ContactsPath + "/model").UsingGet()).AtPriority(1).RespondWith(ApiHarness.Json(RedBlueGreen));
        await _api.Contacts.UpdateAsync("1001", new KeapContactInput { ArrayUpdate = KeapArrayUpdate.Replace, CustomFields = { ["Colour"] = "Green" } });
        var stillWrong = await Assert.ThrowsAsync<ArgumentException>(() => _api.Contacts.UpdateAsync("1001", new KeapContactInput { CustomFields = { ["Colour"] = "Purple" } }));

        Assert.Equal("""{"custom_fields":[{"id":"7","content":"Green"}]}""", Assert.Single(_api.Requests, r => r.RequestMessage.Method == "PATCH").RequestMessage.Body);
        Assert.Contains("'Red', 'Blue', 'Green'", stillWrong.Message, StringComparison.Ordinal);

        // Once for the cache, once for Green, once for Purple (a stale cache is re-read once per refused write, never more).
        Assert.Equal(3, _api.Requests.Count(r => r.RequestMessage.Path.EndsWith("/contacts/model", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_field_whose_type_changed_in_keap_after_the_model_was_cached_is_written_after_one_re_read()
    {
        _api.Server.Given(Request.Create().WithPath(ContactsPath + "/model").UsingGet()).AtPriority(2)
            .RespondWith(ApiHarness.Json("""{"custom_fields":[{"id":"8","label":"Code","field_type":"WHOLE_NUMBER"}]}"""));
        _api.Server.Given(Request.Create().WithPath(ContactsPath).UsingPost()).RespondWith(ApiHarness.Json(ContactSamples.SpecContactJson, 201));
        await _api.Contacts.GetModelAsync();

        // An administrator turns the field into text in Keap.
        _api.Server.Given(Request.Create().WithPath(ContactsPath + "/model").UsingGet()).AtPriority(1)
            .RespondWith(ApiHarness.Json("""{"custom_fields":[{"id":"8","label":"Code","field_type":"TEXT"}]}"""));
        await _api.Contacts.CreateAsync(new KeapContactInput { Email = "a@example.com", CustomFields = { ["Code"] = "A-17" } });

        Assert.Contains("""{"id":"8","content":"A-17"}""", Assert.Single(_api.Requests, r => r.RequestMessage.Method == "POST").RequestMessage.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Colour", "Colour", "Colour")]
    [InlineData("Colour", "colour", "Colour")]
    [InlineData("Colour", "COLOUR", "colour")]
    public async Task Two_fields_one_label_names_are_refused_with_the_labels_and_ids_named(string first, string second, string written)
    {
        _api.Server.Given(Request.Create().WithPath(ContactsPath + "/model").UsingGet()).RespondWith(ApiHarness.Json(
            $$"""{"custom_fields":[{"id":"11","label":"{{first}}","field_type":"TEXT"},{"id":"12","label":"{{second}}","field_type":"TEXT"}]}"""));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => _api.Contacts.UpdateAsync("1001", new KeapContactInput { CustomFields = { [written] = "red" } }));
        var model = await _api.Contacts.GetModelAsync();
        var reading = Assert.Throws<ArgumentException>(() => new KeapContact { Id = "1001" }.GetCustomFieldValue<string>(written, model));

        Assert.All(new[] { error, reading }, e =>
        {
            Assert.Contains($"'{first}' (id 11)", e.Message, StringComparison.Ordinal);
            Assert.Contains($"'{second}' (id 12)", e.Message, StringComparison.Ordinal);
            Assert.Contains("id", e.Message, StringComparison.Ordinal);
            Assert.Contains("SetById", e.Message, StringComparison.Ordinal);
        });
        Assert.DoesNotContain(_api.Requests, r => r.RequestMessage.Method == "PATCH");
    }

    private void StubModel() =>
        _api.Server.Given(Request.Create().WithPath(ContactsPath + "/model").UsingGet()).RespondWith(ApiHarness.Json(ModelJson));
}
