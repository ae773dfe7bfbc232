using Keap.ServiceAccount.Sandbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Keap.ServiceAccount.Tests.Contacts;

/// <summary>The contacts and tags clients against the sandbox, as a real HTTP server, with a Service Account Key.</summary>
public sealed class SandboxContactsTests : IAsyncLifetime
{
    private const string Key = "KeapAK-sandbox-contacts";

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private KeapSandboxServer _sandbox = null!;
    private ServiceProvider _services = null!;

    private IKeapContactsClient Contacts => _services.GetRequiredService<IKeapContactsClient>();

    private IKeapTagsClient Tags => _services.GetRequiredService<IKeapTagsClient>();

    public async Task InitializeAsync()
    {
        _sandbox = await KeapSandboxServer.StartAsync(o => o.ServiceAccountKeys.Add(Key), _clock);
        var services = new ServiceCollection();
        services.AddKeapServiceAccount(o =>
        {
            o.ServiceAccountKey = Key;
            o.ApiBaseAddress = _sandbox.ApiBaseAddress;
        });
        _services = services.BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _sandbox.DisposeAsync();
    }

    [Fact]
    public async Task Every_field_round_trips_through_the_sandbox()
    {
        _sandbox.State.AddCustomField("Favorite Color", "DROPDOWN", "Blue", "Green");
        _sandbox.State.AddCustomField("Score", "WHOLE_NUMBER");
        _sandbox.State.AddCustomField("Member Since", "DATE");
        var input = ContactSamples.EveryField();
        input.CustomFields.Set("Favorite Color", "Green").Set("Score", 42).Set("Member Since", new DateOnly(2020, 2, 29));

        var created = await Contacts.CreateAsync(input);
        var read = (await Contacts.GetAsync(created.Id))!;
        var model = await Contacts.GetModelAsync();

        Assert.Equal(["john.smith@example.com", "john@work.example.com"], read.EmailAddresses.Select(e => e.Email));
        Assert.Equal(("EMAIL1", "Subscribed via website form", true, KeapEmailStatus.SingleOptIn), (read.EmailAddresses[0].Field, read.EmailAddresses[0].OptInReason, read.EmailAddresses[0].IsOptIn, read.EmailAddresses[0].Status!.Value));
        Assert.Equal((false, KeapEmailStatus.NonMarketable), (read.EmailAddresses[1].IsOptIn, read.EmailAddresses[1].Status!.Value));
        Assert.Equivalent(input.PhoneNumbers, read.PhoneNumbers, strict: true);
        Assert.Equivalent(input.FaxNumbers, read.FaxNumbers, strict: true);
        Assert.Equivalent(input.Addresses, read.Addresses, strict: true);
        Assert.Equivalent(input.SocialAccounts, read.SocialAccounts, strict: true);
        Assert.Equivalent(input.Company, read.Company, strict: true);
        Assert.Equal(
            (input.GivenName, input.FamilyName, input.MiddleName, input.PreferredName, input.Prefix, input.Suffix, input.SpouseName, input.JobTitle, input.Website, input.ContactType),
            (read.GivenName, read.FamilyName, read.MiddleName, read.PreferredName, read.Prefix, read.Suffix, read.SpouseName, read.JobTitle, read.Website, read.ContactType));
        Assert.Equal(
            (input.LeadSourceId, input.OwnerId, input.ReferralCode, input.PreferredLocale, input.TimeZone, input.AssistantName, input.AssistantPhone, input.BillingInformation),
            (read.LeadSourceId, read.OwnerId, read.ReferralCode, read.PreferredLocale, read.TimeZone, read.AssistantName, read.AssistantPhone, read.BillingInformation));
        Assert.Equal((input.BirthDate, input.AnniversaryDate, input.SourceType), (read.BirthDate, read.AnniversaryDate, read.SourceType));
        Assert.Equal(("192.0.2.10", _clock.GetUtcNow()), (read.Origin!.IpAddress, read.Origin.Date!.Value));
        var touch = Assert.Single(read.UtmParameters);
        Assert.Equal(("6088383224687662", "google", "cpc", "financial_consulting", "spring_sale", "textlink", true), (touch.KeapSourceId, touch.UtmSource, touch.UtmMedium, touch.UtmTerm, touch.UtmCampaign, touch.UtmContent, touch.FirstTouch!.Value));
        Assert.Equal("Green", read.GetCustomFieldValue<string>("Favorite Color", model));
        Assert.Equal(42L, read.GetCustomFieldValue<long>("Score", model));
        Assert.Equal(new DateOnly(2020, 2, 29), read.GetCustomFieldValue<DateOnly>("Member Since", model));
        Assert.Equal((_clock.GetUtcNow(), _clock.GetUtcNow()), (read.CreateTime!.Value, read.UpdateTime!.Value));
    }

    [Fact]
    public async Task An_update_of_two_fields_changes_only_them()
    {
        var created = await Contacts.CreateAsync(ContactSamples.EveryField());

        var updated = await Contacts.UpdateAsync(created.Id, new KeapContactInput { GivenName = "Ann", FamilyName = "Lee" });

        Assert.Equal(("Ann", "Lee", "Robert", "Senior Software Engineer"), (updated.GivenName, updated.FamilyName, updated.MiddleName, updated.JobTitle));
        Assert.Equal(2, updated.EmailAddresses.Count);
    }

    [Fact]
    public async Task Changing_EMAIL1_keeps_EMAIL2_unless_the_caller_asks_to_replace()
    {
        var created = await Contacts.CreateAsync(ContactSamples.EveryField());

        var merged = await Contacts.UpdateAsync(created.Id, new KeapContactInput { Email = "john@new.example.com" });
        var replaced = await Contacts.UpdateAsync(created.Id, new KeapContactInput { Email = "only@example.com", ArrayUpdate = KeapArrayUpdate.Replace });

        Assert.Equal(["john@new.example.com", "john@work.example.com"], merged.EmailAddresses.Select(e => e.Email));
        Assert.Equal(["only@example.com"], replaced.EmailAddresses.Select(e => e.Email));
        Assert.Equal(1, _sandbox.State.ApiRequestCount("GET rest/v2/contacts/{id}"));
    }

    [Fact]
    public async Task Consent_on_upsert_opts_the_address_in_and_an_opt_out_cannot_be_reversed_by_the_api()
    {
        var withoutConsent = await Contacts.UpsertByEmailAsync(new KeapContactInput { Email = "ada@example.com" });
        var before = await Contacts.GetEmailStatusAsync("ada@example.com");
        var withConsent = await Contacts.UpsertByEmailAsync(new KeapContactInput { Email = "ada@example.com", EmailOptInReason = "Ticked the newsletter box" });
        var optedIn = await Contacts.GetEmailStatusAsync("ada@example.com");
        var optedOut = await Contacts.SetEmailOptInAsync("ada@example.com", optedIn: false, "Asked us to stop");
        var optInAgain = await Contacts.SetEmailOptInAsync("ada@example.com", optedIn: true, "Changed our mind");
        var upsertAgain = await Contacts.UpsertByEmailAsync(new KeapContactInput { Email = "ada@example.com", EmailOptInReason = "Signed up again" });

        Assert.Equal(withoutConsent.Contact.Id, withConsent.Contact.Id);
        Assert.Equal((false, KeapEmailStatus.NonMarketable), (before!.OptedIn, before.Status));
        Assert.Equal((true, KeapEmailStatus.SingleOptIn), (optedIn!.OptedIn, optedIn.Status));
        Assert.Equal((false, KeapEmailStatus.Admin), (optedOut.OptedIn, optedOut.Status));
        Assert.Equal((false, KeapEmailStatus.Admin), (optInAgain.OptedIn, optInAgain.Status));
        Assert.Equal(KeapEmailStatus.Admin, upsertAgain.Contact.EmailAddresses.Single().Status);
        Assert.Null(await Contacts.GetEmailStatusAsync("nobody@example.com"));
    }

    [Fact]
    public async Task Apply_reports_tagged_already_tagged_and_not_found_per_contact()
    {
        var kept = await Contacts.CreateAsync(new KeapContactInput { Email = "kept@example.com" });
        var deleted = await Contacts.CreateAsync(new KeapContactInput { Email = "gone@example.com" });
        await Contacts.DeleteAsync(deleted.Id);
        var tagId = await Tags.GetOrCreateIdAsync("vip");

        var first = await Tags.ApplyAsync(tagId, [kept.Id, deleted.Id]);
        var second = await Tags.ApplyAsync(tagId, [kept.Id]);

        Assert.Equal([kept.Id], first.Succeeded);
        Assert.Equal([deleted.Id], first.NotFound);
        Assert.Equal([kept.Id], second.Unchanged);
        Assert.Equal([tagId], (await Contacts.GetAsync(kept.Id))!.TagIds);
    }

    [Fact]
    public async Task A_tag_deleted_in_keap_is_looked_up_again_instead_of_failing_until_restart()
    {
        var contact = await Contacts.CreateAsync(new KeapContactInput { Email = "ada@example.com" });
        var oldId = await Tags.GetOrCreateIdAsync("vip");
        using (var http = new HttpClient { BaseAddress = _sandbox.ApiBaseAddress })
        {
            http.DefaultRequestHeaders.Add("X-Keap-API-Key", Key);
            (await http.DeleteAsync($"rest/v2/tags/{oldId}")).EnsureSuccessStatusCode();
        }

        var results = await Tags.ApplyAsync(oldId, [contact.Id]);
        var cached = await Tags.GetOrCreateIdAsync("vip");

        Assert.NotEqual(oldId, results.TagId);
        Assert.Equal(results.TagId, cached);
        Assert.Equal([contact.Id], results.Succeeded);
        Assert.Equal([results.TagId], _sandbox.State.TagIdsOf(contact.Id));
    }

    [Fact]
    public async Task Contacts_changed_since_a_time_are_listed_oldest_change_first()
    {
        var a = await Contacts.CreateAsync(new KeapContactInput { Email = "a@example.com" });
        var b = await Contacts.CreateAsync(new KeapContactInput { Email = "b@example.com" });
        await Contacts.CreateAsync(new KeapContactInput { Email = "c@example.com" });
        _clock.Advance(TimeSpan.FromMinutes(5));
        var since = _clock.GetUtcNow();
        await Contacts.UpdateAsync(b.Id, new KeapContactInput { GivenName = "B" });
        _clock.Advance(TimeSpan.FromMinutes(5));
        await Contacts.UpdateAsync(a.Id, new KeapContactInput { GivenName = "A" });

        var changed = new List<string>();
        await foreach (var page in Contacts.ListChangedSinceAsync(since))
        {
            changed.AddRange(page.Contacts.Select(c => c.Id));
            Assert.Null(page.NextPageToken);
        }

        Assert.Equal([b.Id, a.Id], changed);
    }

    [Fact]
    public async Task A_sandbox_page_that_repeats_its_token_ends_the_list_with_one_extra_request()
    {
        await Contacts.CreateAsync(new KeapContactInput { Email = "a@example.com" });
        _sandbox.Faults.Inject("GET rest/v2/contacts", KeapSandboxFault.RepeatPageToken, count: 100);
        var before = _sandbox.State.ApiRequestCount("GET rest/v2/contacts");

        var error = await Assert.ThrowsAsync<KeapApiException>(async () =>
        {
            await foreach (var unused in Contacts.ListAllAsync())
            {
            }
        });

        Assert.Contains("next_page_token", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, _sandbox.State.ApiRequestCount("GET rest/v2/contacts") - before);
    }

    [Fact]
    public async Task Two_contacts_with_one_address_are_both_found_and_the_first_created_is_the_one_found()
    {
        var first = await Contacts.CreateAsync(new KeapContactInput { Email = "twin@example.com", GivenName = "First" });
        var second = await Contacts.CreateAsync(new KeapContactInput { Email = "twin@example.com", GivenName = "Second" });

        var all = await Contacts.FindAllByEmailAsync("twin@example.com");
        var found = await Contacts.FindByEmailAsync("twin@example.com");

        Assert.Equal([first.Id, second.Id], all.Select(c => c.Id));
        Assert.Equal(first.Id, found!.Id);
    }
}
