using System.Text.Json;
using System.Text.Json.Serialization;
using Keap.ServiceAccount.Http;

namespace Keap.ServiceAccount.Contacts;

/// <summary>
/// The body of a contact create, upsert or update (Keap's <c>CreateUpdateContactRequest</c>): what the caller set,
/// with custom field labels resolved and, in <see cref="KeapArrayUpdate.Merge"/> mode, the stored array items kept.
/// </summary>
internal sealed class ContactWriteDto
{
    public string? GivenName { get; set; }

    public string? FamilyName { get; set; }

    public string? MiddleName { get; set; }

    public string? PreferredName { get; set; }

    public string? Prefix { get; set; }

    public string? Suffix { get; set; }

    public string? SpouseName { get; set; }

    public List<EmailAddressWriteDto>? EmailAddresses { get; set; }

    public List<KeapPhoneNumber>? PhoneNumbers { get; set; }

    public List<KeapFaxNumber>? FaxNumbers { get; set; }

    public List<KeapAddress>? Addresses { get; set; }

    public List<KeapSocialAccount>? SocialAccounts { get; set; }

    public List<KeapCustomFieldValue>? CustomFields { get; set; }

    public KeapCompanyReference? Company { get; set; }

    public string? JobTitle { get; set; }

    public string? Website { get; set; }

    public string? ContactType { get; set; }

    [JsonPropertyName("leadsource_id")]
    public string? LeadSourceId { get; set; }

    public string? OwnerId { get; set; }

    public string? ReferralCode { get; set; }

    public OriginWriteDto? Origin { get; set; }

    public KeapContactSourceType? SourceType { get; set; }

    public DateOnly? BirthDate { get; set; }

    public DateOnly? AnniversaryDate { get; set; }

    public string? PreferredLocale { get; set; }

    public string? TimeZone { get; set; }

    public KeapUtmParameters? UtmParameters { get; set; }

    public string? AssistantName { get; set; }

    public string? AssistantPhone { get; set; }

    public string? BillingInformation { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }

    /// <summary>The arrays a merge needs the stored values of, by their <c>fields</c> names; empty when nothing is merged.</summary>
    public static IReadOnlyList<string> StoredArraysToMerge(KeapContactInput input)
    {
        if (input.ArrayUpdate != KeapArrayUpdate.Merge)
        {
            return [];
        }

        return new (bool Set, string Name)[]
        {
            (input.Email is not null || input.EmailAddresses is not null, "email_addresses"),
            (input.PhoneNumbers is not null, "phone_numbers"),
            (input.FaxNumbers is not null, "fax_numbers"),
            (input.Addresses is not null, "addresses"),
            (input.SocialAccounts is not null, "social_accounts"),
            (input.CustomFields.Count > 0, "custom_fields"),
        }.Where(a => a.Set).Select(a => a.Name).ToList();
    }

    /// <summary>Builds the body.</summary>
    /// <param name="input">What the caller set.</param>
    /// <param name="customFields">The custom field values, resolved to ids and checked; <see langword="null"/> when none were set.</param>
    /// <param name="stored">The stored contact to merge arrays into, or <see langword="null"/> to send the arrays as given.</param>
    public static ContactWriteDto From(KeapContactInput input, List<KeapCustomFieldValue>? customFields, KeapContact? stored) => new()
    {
        GivenName = input.GivenName,
        FamilyName = input.FamilyName,
        MiddleName = input.MiddleName,
        PreferredName = input.PreferredName,
        Prefix = input.Prefix,
        Suffix = input.Suffix,
        SpouseName = input.SpouseName,
        EmailAddresses = Merge(
            Emails(input),
            stored?.EmailAddresses.Select(e => new KeapEmailAddress { Email = e.Email, Field = e.Field }).ToList(),
            e => e.Field,
            "email address")?.Select(e => new EmailAddressWriteDto { Email = e.Email, Field = e.Field, OptInReason = e.OptInReason }).ToList(),
        PhoneNumbers = Merge(input.PhoneNumbers, stored?.PhoneNumbers, p => p.Field, "phone number"),
        FaxNumbers = Merge(input.FaxNumbers, stored?.FaxNumbers, f => f.Field, "fax number"),
        Addresses = Merge(input.Addresses, stored?.Addresses, a => a.Field, "address"),
        SocialAccounts = Merge(input.SocialAccounts, stored?.SocialAccounts, s => s.Type, "social account"),
        CustomFields = Merge(
            customFields,
            stored?.CustomFields.Where(c => c.Content.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined)).ToList(),
            c => c.Id,
            "custom field"),
        Company = input.Company,
        JobTitle = input.JobTitle,
        Website = input.Website,
        ContactType = input.ContactType,
        LeadSourceId = input.LeadSourceId,
        OwnerId = input.OwnerId,
        ReferralCode = input.ReferralCode,
        Origin = input.OriginIpAddress is null ? null : new OriginWriteDto { IpAddress = input.OriginIpAddress },
        SourceType = input.SourceType,
        BirthDate = input.BirthDate,
        AnniversaryDate = input.AnniversaryDate,
        PreferredLocale = input.PreferredLocale,
        TimeZone = input.TimeZone,
        UtmParameters = input.UtmParameters,
        AssistantName = input.AssistantName,
        AssistantPhone = input.AssistantPhone,
        BillingInformation = input.BillingInformation,
        AdditionalProperties = input.AdditionalProperties.Count == 0 ? null : new Dictionary<string, JsonElement>(input.AdditionalProperties, StringComparer.Ordinal),
    };

    /// <summary>The <c>update_mask</c>: the name of every property this body sends, so a PATCH leaves the others alone.</summary>
    public IReadOnlyList<string> UpdateMask() =>
        [.. JsonSerializer.SerializeToElement(this, KeapJsonContext.Default.ContactWriteDto).EnumerateObject().Select(p => p.Name)];

    /// <summary>The primary address from <see cref="KeapContactInput.Email"/> (with its opt-in reason) in front of the other addresses given.</summary>
    private static List<KeapEmailAddress>? Emails(KeapContactInput input)
    {
        if (input.Email is null)
        {
            return input.EmailAddresses?.ToList();
        }

        var primary = new KeapEmailAddress { Email = input.Email, Field = KeapContactInput.PrimaryEmailField, OptInReason = input.EmailOptInReason };
        return [primary, .. (input.EmailAddresses ?? []).Where(e => e.Field != KeapContactInput.PrimaryEmailField)];
    }

    /// <summary>
    /// The items given, plus (when merging) every stored item whose slot none of them takes. Keap replaces a stored
    /// array whole with the one sent, so a merge has to send the kept items too.
    /// </summary>
    private static List<T>? Merge<T>(IEnumerable<T>? givenItems, IReadOnlyList<T>? stored, Func<T, string?> slot, string what)
    {
        if (givenItems is null)
        {
            return null;
        }

        var items = givenItems.ToList();
        if (stored is null)
        {
            return items;
        }

        if (items.Any(i => string.IsNullOrEmpty(slot(i))))
        {
            throw new ArgumentException(
                $"To merge a {what} into the stored ones it must name its slot (field, type or id); or set ArrayUpdate = KeapArrayUpdate.Replace to send the array as it is.");
        }

        // Each given item takes its slot's place; items for slots not stored yet go last.
        var given = items.ToDictionary(i => slot(i)!, StringComparer.OrdinalIgnoreCase);
        var merged = stored.Select(s => slot(s) is { } key && given.Remove(key, out var replacement) ? replacement : s).ToList();
        merged.AddRange(items.Where(i => given.ContainsKey(slot(i)!)));
        return merged;
    }
}

/// <summary>An email address as written: Keap's <c>EmailAddressRequest</c>.</summary>
internal sealed class EmailAddressWriteDto
{
    public string? Email { get; set; }

    public string? Field { get; set; }

    public string? OptInReason { get; set; }
}

/// <summary>Keap's <c>OriginRequest</c>.</summary>
internal sealed class OriginWriteDto
{
    public string? IpAddress { get; set; }
}

/// <summary>A page of contacts.</summary>
internal sealed class ContactListDto
{
    public List<KeapContact>? Contacts { get; set; }

    public string? NextPageToken { get; set; }
}

/// <summary>Keap's <c>UpdateEmailAddress</c>: the body of an opt-in status change.</summary>
internal sealed class EmailStatusWriteDto
{
    public required string Reason { get; set; }

    public required bool OptedIn { get; set; }
}
