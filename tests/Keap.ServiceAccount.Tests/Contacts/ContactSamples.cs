namespace Keap.ServiceAccount.Tests.Contacts;

/// <summary>Contacts built from the example values of Keap's OpenAPI v2 spec (keap-sdk sdks/v2/swagger.yml).</summary>
internal static class ContactSamples
{
    /// <summary>
    /// A <c>Contact</c> reply with every property of the spec's schema, using the spec's examples as Keap's own examples
    /// write them: numbers where the schema says string (<c>id: 1001</c>, <c>leadsource_id: 12</c>, <c>postal_code: 85001</c>…).
    /// </summary>
    public const string SpecContactJson = """
        {
          "id": 1001,
          "links": [{"id": 1, "linked_contact_id": 2001, "link_type_id": 1, "link_type_name": "Spouse"}],
          "addresses": [{"country": "United States of America", "line1": 123, "line2": "Suite 100", "locality": "Phoenix",
                         "region": "Arizona", "field": "BILLING", "country_code": "USA", "postal_code": 85001,
                         "region_code": "US-AZ", "zip_code": 85001, "zip_four": 1234}],
          "company": {"id": 100, "company_name": "Thryv"},
          "origin": {"date": "2024-01-10T08:00:00Z", "ip_address": "192.0.2.10"},
          "prefix": "Dr.",
          "suffix": "Jr",
          "website": "https://thryv.com",
          "groups": "3",
          "update_time": "2024-03-15T10:30:00Z",
          "create_time": "2024-01-10T08:00:00Z",
          "score_value": 85,
          "tag_ids": [5, "6"],
          "anniversary_date": "2015-06-20",
          "birth_date": "1985-03-15",
          "contact_type": "Prospect",
          "custom_fields": [{"id": 123, "content": "Blue"}, {"id": 124, "content": 42}],
          "email_addresses": [{"email": "john.smith@example.com", "field": "EMAIL1", "opt_in_reason": "Subscribed via website form",
                               "is_opt_in": true, "email_opt_status": "SINGLE_OPT_IN"},
                              {"email": "john@work.example.com", "field": "EMAIL2", "is_opt_in": false, "email_opt_status": "A_STATUS_FROM_THE_FUTURE"}],
          "family_name": "Smith",
          "fax_numbers": [{"number": 5551234568, "type": "Work", "field": "FAX1"}],
          "given_name": "John",
          "job_title": "Senior Software Engineer",
          "leadsource_id": 12,
          "middle_name": "Robert",
          "owner_id": 45,
          "phone_numbers": [{"extension": 101, "number": 5551234567, "type": "Work", "field": "PHONE1", "number_e164": "+15551234567"}],
          "preferred_locale": "en_US",
          "preferred_name": "Johnny",
          "referral_code": "REF2024ABC",
          "social_accounts": [{"name": "@thryv", "type": "FACEBOOK"}],
          "source_type": "API",
          "spouse_name": "Jane Smith",
          "time_zone": "America/New_York",
          "utm_parameters": [{"id": 1, "keapSourceId": 6088383224687662, "utmSource": "google", "utmMedium": "cpc",
                              "utmTerm": "financial_consulting", "utmCampaign": "spring_sale", "utmContent": "textlink",
                              "firstTouch": true, "lastTouch": true, "dateCreated": "2024-01-10T08:00:00Z"}],
          "account_id": 7,
          "assistant_name": "Pat Doe",
          "assistant_phone": 5551234567,
          "billing_information": "Net 30",
          "created_by": 1,
          "last_updated_by": 2,
          "a_property_keap_adds_later": {"nested": [1, 2]}
        }
        """;

    /// <summary>The property names of the spec's <c>CreateUpdateContactRequest</c>, copied so the repository does not carry the spec.</summary>
    public static readonly string[] CreateUpdateContactRequest =
    [
        "addresses", "company", "origin", "prefix", "suffix", "website", "anniversary_date", "birth_date", "contact_type",
        "custom_fields", "email_addresses", "family_name", "fax_numbers", "given_name", "job_title", "leadsource_id",
        "middle_name", "owner_id", "phone_numbers", "preferred_locale", "preferred_name", "referral_code",
        "social_accounts", "source_type", "spouse_name", "time_zone", "utm_parameters", "assistant_name",
        "assistant_phone", "billing_information",
    ];

    /// <summary>An input that sets every writable property (custom fields by id, so no contact model is needed).</summary>
    public static KeapContactInput EveryField(string email = "john.smith@example.com")
    {
        var input = new KeapContactInput
        {
            Email = email,
            EmailOptInReason = "Subscribed via website form",
            EmailAddresses = [new KeapEmailAddress { Email = "john@work.example.com", Field = "EMAIL2" }],
            PhoneNumbers = [new KeapPhoneNumber { Number = "5551234567", Extension = "101", Type = "Work", Field = "PHONE1" }],
            FaxNumbers = [new KeapFaxNumber { Number = "5551234568", Type = "Work", Field = "FAX1" }],
            Addresses =
            [
                new KeapAddress
                {
                    Field = "BILLING", Line1 = "123 Main St", Line2 = "Suite 100", Locality = "Phoenix", RegionCode = "US-AZ",
                    CountryCode = "USA", PostalCode = "85001", ZipCode = "85001", ZipFour = "1234",
                },
            ],
            SocialAccounts = [new KeapSocialAccount { Name = "@thryv", Type = "FACEBOOK" }],
            ArrayUpdate = KeapArrayUpdate.Replace,
            GivenName = "John",
            FamilyName = "Smith",
            MiddleName = "Robert",
            PreferredName = "Johnny",
            Prefix = "Dr.",
            Suffix = "Jr",
            SpouseName = "Jane Smith",
            Company = new KeapCompanyReference { Id = "100", CompanyName = "Thryv" },
            JobTitle = "Senior Software Engineer",
            Website = "https://thryv.com",
            ContactType = "Prospect",
            LeadSourceId = "12",
            OwnerId = "45",
            ReferralCode = "REF2024ABC",
            OriginIpAddress = "192.0.2.10",
            SourceType = KeapContactSourceType.Api,
            BirthDate = new DateOnly(1985, 3, 15),
            AnniversaryDate = new DateOnly(2015, 6, 20),
            PreferredLocale = "en_US",
            TimeZone = "America/New_York",
            UtmParameters = new KeapUtmParameters
            {
                KeapSourceId = "6088383224687662", UtmSource = "google", UtmMedium = "cpc", UtmTerm = "financial_consulting",
                UtmCampaign = "spring_sale", UtmContent = "textlink",
            },
            AssistantName = "Pat Doe",
            AssistantPhone = "5551234567",
            BillingInformation = "Net 30",
        };
        return input;
    }
}
