using System.Text.Json;
using System.Text.Json.Serialization;

namespace Keap.ServiceAccount.Contacts;

/// <summary>
/// The body of a contact create, upsert or update (Keap's <c>CreateUpdateContactRequest</c>): what the caller set,
/// with custom field labels resolved and, in <see cref="KeapArrayUpdate.Merge"/> mode, the stored array items kept.
/// </summary>
internal sealed class ContactWriteDto
{
    // Every slot Keap's spec defines per array (its enums, less the *_UNSPECIFIED placeholders). Items filling all of
    // an array's slots leave nothing stored to keep, so a merge needs no read of that array.
    private static readonly string[] EmailSlots = ["EMAIL1", "EMAIL2", "EMAIL3"];
    private static readonly string[] PhoneSlots = ["PHONE1", "PHONE2", "PHONE3", "PHONE4", "PHONE5"];
    private static readonly string[] FaxSlots = ["FAX1", "FAX2"];
    private static readonly string[] AddressSlots = ["BILLING", "SHIPPING", "OTHER"];
    private static readonly string[] SocialAccountSlots = ["FACEBOOK", "LINKED_IN", "TWITTER", "INSTAGRAM", "SNAPCHAT", "YOUTUBE", "PINTEREST"];

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

    /// <summary>
    /// Refuses, before any request, an input that cannot be sent as meant: an opt-in reason without the address it is
    /// for (it would be dropped, leaving the person non-marketable), two items for one slot, an item without its slot in
    /// <see cref="KeapArrayUpdate.Merge"/> mode, or an additional property that names a modelled one (the body and
    /// <c>update_mask</c> would name it twice).
    /// </summary>
    /// <exception cref="ArgumentException">The input is one of those.</exception>
    public static void Check(KeapContactInput input)
    {
        if (input.EmailOptInReason is not null && input.Email is null)
        {
            throw new ArgumentException(
                "EmailOptInReason is the consent for Email, which is not set: set Email too, or put the reason on the address's KeapEmailAddress.OptInReason.",
                nameof(input));
        }

        var merging = input.ArrayUpdate == KeapArrayUpdate.Merge;
        CheckSlots(Emails(input), e => e.Field, "email address", merging);
        CheckSlots(input.PhoneNumbers, p => p.Field, "phone number", merging);
        CheckSlots(input.FaxNumbers, f => f.Field, "fax number", merging);
        CheckSlots(input.Addresses, a => a.Field, "address", merging);
        CheckSlots(input.SocialAccounts, s => s.Type, "social account", merging);
        var modelled = ContactsJsonContext.Default.ContactWriteDto.Properties.Where(p => !p.IsExtensionData).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        if (input.AdditionalProperties.Keys.FirstOrDefault(modelled.Contains) is { } clash)
        {
            throw new ArgumentException($"AdditionalProperties['{clash}'] names a property KeapContactInput models: set that property instead.", nameof(input));
        }
    }

    /// <summary>
    /// Refuses two items that name the same slot (Keap's slot names are upper case; any case is the same slot) and,
    /// when <paramref name="merging"/>, an item that names none (it could not be put in a stored item's place).
    /// </summary>
    /// <exception cref="ArgumentException">Two items name one slot, or a merged item names none.</exception>
    public static void CheckSlots<T>(IEnumerable<T>? items, Func<T, string?> slot, string what, bool merging = false)
    {
        if (merging && items is not null && items.Any(i => string.IsNullOrEmpty(slot(i))))
        {
            throw new ArgumentException(
                $"To merge a {what} into the stored ones it must name its slot (field, type or id); or set ArrayUpdate = KeapArrayUpdate.Replace to send the array as it is.");
        }

        var duplicate = items?.Select(slot).Where(s => !string.IsNullOrEmpty(s)).GroupBy(s => s, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Two values are given for the {what} '{duplicate.Key}'; give one per slot.");
        }
    }

    /// <summary>
    /// The arrays a merge needs the stored values of, by their <c>fields</c> names: those given with items that leave
    /// one of Keap's slots unset (custom fields have no fixed set). Empty when nothing is merged, so no read is made.
    /// </summary>
    public static IReadOnlyList<string> StoredArraysToMerge(KeapContactInput input)
    {
        if (input.ArrayUpdate != KeapArrayUpdate.Merge)
        {
            return [];
        }

        return new (bool Needed, string Name)[]
        {
            (LeavesSlotsUnset(Emails(input), e => e.Field, EmailSlots), "email_addresses"),
            (LeavesSlotsUnset(input.PhoneNumbers, p => p.Field, PhoneSlots), "phone_numbers"),
            (LeavesSlotsUnset(input.FaxNumbers, f => f.Field, FaxSlots), "fax_numbers"),
            (LeavesSlotsUnset(input.Addresses, a => a.Field, AddressSlots), "addresses"),
            (LeavesSlotsUnset(input.SocialAccounts, s => s.Type, SocialAccountSlots), "social_accounts"),
            (input.CustomFields.Count > 0, "custom_fields"),
        }.Where(a => a.Needed).Select(a => a.Name).ToList();
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
            input.ArrayUpdate)?.Select(e => new EmailAddressWriteDto { Email = e.Email, Field = e.Field, OptInReason = e.OptInReason }).ToList(),
        PhoneNumbers = Merge(input.PhoneNumbers, stored?.PhoneNumbers, p => p.Field, input.ArrayUpdate),
        FaxNumbers = Merge(input.FaxNumbers, stored?.FaxNumbers, f => f.Field, input.ArrayUpdate),
        Addresses = Merge(input.Addresses, stored?.Addresses, a => a.Field, input.ArrayUpdate),
        SocialAccounts = Merge(input.SocialAccounts, stored?.SocialAccounts, s => s.Type, input.ArrayUpdate),
        CustomFields = Merge(
            customFields,
            stored?.CustomFields.Where(c => c.Content.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined)).ToList(),
            c => c.Id,
            input.ArrayUpdate),
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

    /// <summary>
    /// Whether this body may be sent again after an attempt that may have reached Keap (the package's one rule for
    /// writes: a request that adds something each time it is applied is never repeated). A UTM touch
    /// (<c>utm_parameters</c>) is added on every write that carries one, and what Keap does with a property this package
    /// does not model is unknown, so a body with either is sent once; every other property sets a value, which a second
    /// arrival sets again to the same.
    /// </summary>
    public bool IsRepeatable() => UtmParameters is null && AdditionalProperties is null;

    /// <summary>The <c>update_mask</c>: the name of every property this body sends, so a PATCH leaves the others alone.</summary>
    public IReadOnlyList<string> UpdateMask() =>
        [.. JsonSerializer.SerializeToElement(this, ContactsJsonContext.Default.ContactWriteDto).EnumerateObject().Select(p => p.Name)];

    /// <summary>Whether <paramref name="given"/> has items and leaves one of <paramref name="slots"/> unset.</summary>
    private static bool LeavesSlotsUnset<T>(IEnumerable<T>? given, Func<T, string?> slot, string[] slots) =>
        given?.Select(slot).ToHashSet(StringComparer.OrdinalIgnoreCase) is { Count: > 0 } set && !slots.All(set.Contains);

    /// <summary>The primary address from <see cref="KeapContactInput.Email"/> (with its opt-in reason) in front of the other addresses given.</summary>
    private static List<KeapEmailAddress>? Emails(KeapContactInput input)
    {
        if (input.Email is null)
        {
            return input.EmailAddresses?.ToList();
        }

        var primary = new KeapEmailAddress { Email = input.Email, Field = KeapContactInput.PrimaryEmailField, OptInReason = input.EmailOptInReason };
        return [primary, .. (input.EmailAddresses ?? []).Where(e => !string.Equals(e.Field, KeapContactInput.PrimaryEmailField, StringComparison.OrdinalIgnoreCase))];
    }

    /// <summary>
    /// The items given, plus (when merging) every stored item whose slot none of them takes. Keap replaces a stored
    /// array whole with the one sent, so a merge has to send the kept items too.
    /// </summary>
    /// <remarks>
    /// <see cref="Check"/> has made sure merged items name distinct slots. An empty list merged changes nothing, so it
    /// is not sent; <paramref name="stored"/> is <see langword="null"/> when the items fill every slot (nothing to keep).
    /// </remarks>
    private static List<T>? Merge<T>(IEnumerable<T>? givenItems, IReadOnlyList<T>? stored, Func<T, string?> slot, KeapArrayUpdate mode)
    {
        if (givenItems is null)
        {
            return null;
        }

        var items = givenItems.ToList();
        if (mode == KeapArrayUpdate.Merge && items.Count == 0)
        {
            return null;
        }

        if (stored is null)
        {
            return items;
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
