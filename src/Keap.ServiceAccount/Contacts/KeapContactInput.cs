using System.Text.Json;

namespace Keap.ServiceAccount;

/// <summary>
/// The fields of a contact to create or change: every writable property of Keap's v2 <c>CreateUpdateContactRequest</c>.
/// Properties left <see langword="null"/> (and empty <see cref="CustomFields"/> / <see cref="AdditionalProperties"/>)
/// are not sent, so an update changes only what is set here; set a text property to <c>""</c> to clear it.
/// </summary>
/// <remarks>
/// Keap replaces a stored array (email addresses, phone and fax numbers, addresses, social accounts, custom fields)
/// with the one a write sends. <see cref="ArrayUpdate"/> chooses whether the package merges your items into the stored
/// ones first (the default: changing <c>EMAIL1</c> keeps <c>EMAIL2</c>) or lets them replace the stored array whole.
/// </remarks>
public sealed class KeapContactInput
{
    internal const string PrimaryEmailField = "EMAIL1";

    /// <summary>The primary email address (Keap's <c>EMAIL1</c>). Combined with <see cref="EmailAddresses"/> it replaces any <c>EMAIL1</c> there.</summary>
    public string? Email { get; init; }

    /// <summary>
    /// Why the person agreed to receive marketing email at <see cref="Email"/>, for example
    /// <c>"Signed up on example.com and ticked the newsletter box"</c>. Sent as the address's <c>opt_in_reason</c>, which
    /// makes the address marketable (Keap will email it). Leave it <see langword="null"/> when the person did not consent:
    /// Keap then keeps the address non-marketable. Keap never opts in an address that opted out, whatever the reason.
    /// Set without <see cref="Email"/>, the write is refused (<see cref="ArgumentException"/>) rather than sent without the consent;
    /// for an address given only in <see cref="EmailAddresses"/>, use its <see cref="KeapEmailAddress.OptInReason"/>.
    /// </summary>
    public string? EmailOptInReason { get; init; }

    /// <summary>Email addresses; each names its slot in <see cref="KeapEmailAddress.Field"/> (<c>EMAIL1</c>–<c>EMAIL3</c>) and may carry an opt-in reason.</summary>
    public IReadOnlyList<KeapEmailAddress>? EmailAddresses { get; init; }

    /// <summary>Phone numbers; each names its slot (<c>PHONE1</c>–<c>PHONE5</c>).</summary>
    public IReadOnlyList<KeapPhoneNumber>? PhoneNumbers { get; init; }

    /// <summary>Fax numbers; each names its slot (<c>FAX1</c>, <c>FAX2</c>).</summary>
    public IReadOnlyList<KeapFaxNumber>? FaxNumbers { get; init; }

    /// <summary>Postal addresses; each names its slot (<c>BILLING</c>, <c>SHIPPING</c>, <c>OTHER</c>). Keap requires a country code with a region.</summary>
    public IReadOnlyList<KeapAddress>? Addresses { get; init; }

    /// <summary>Social accounts, one per <see cref="KeapSocialAccount.Type"/>.</summary>
    public IReadOnlyList<KeapSocialAccount>? SocialAccounts { get; init; }

    /// <summary>Custom field values by label or id, checked against the contact model before sending.</summary>
    public KeapCustomFieldValues CustomFields { get; } = new();

    /// <summary>How the arrays set here combine with the stored ones. <see cref="KeapArrayUpdate.Merge"/> by default.</summary>
    public KeapArrayUpdate ArrayUpdate { get; init; } = KeapArrayUpdate.Merge;

    /// <summary>First name (at most 40 characters).</summary>
    public string? GivenName { get; init; }

    /// <summary>Last name (at most 40 characters).</summary>
    public string? FamilyName { get; init; }

    /// <summary>Middle name.</summary>
    public string? MiddleName { get; init; }

    /// <summary>Preferred name or nickname.</summary>
    public string? PreferredName { get; init; }

    /// <summary>Name prefix, for example <c>Dr.</c>.</summary>
    public string? Prefix { get; init; }

    /// <summary>Name suffix, for example <c>Jr</c>.</summary>
    public string? Suffix { get; init; }

    /// <summary>Spouse's name.</summary>
    public string? SpouseName { get; init; }

    /// <summary>The company to link, by <see cref="KeapCompanyReference.Id"/>.</summary>
    public KeapCompanyReference? Company { get; init; }

    /// <summary>Job title.</summary>
    public string? JobTitle { get; init; }

    /// <summary>Personal website URL (at most 100 characters).</summary>
    public string? Website { get; init; }

    /// <summary>Type of contact, for example <c>Prospect</c>.</summary>
    public string? ContactType { get; init; }

    /// <summary>The lead source's id (<c>leadsource_id</c>).</summary>
    public string? LeadSourceId { get; init; }

    /// <summary>The id of the Keap user who owns the contact.</summary>
    public string? OwnerId { get; init; }

    /// <summary>Referral code.</summary>
    public string? ReferralCode { get; init; }

    /// <summary>The IP address the contact came from (<c>origin.ip_address</c>); Keap records the date.</summary>
    public string? OriginIpAddress { get; init; }

    /// <summary>How the contact was created (<c>source_type</c>).</summary>
    public KeapContactSourceType? SourceType { get; init; }

    /// <summary>Birth date.</summary>
    public DateOnly? BirthDate { get; init; }

    /// <summary>Anniversary date.</summary>
    public DateOnly? AnniversaryDate { get; init; }

    /// <summary>Preferred locale, for example <c>en_US</c>.</summary>
    public string? PreferredLocale { get; init; }

    /// <summary>Time zone, for example <c>America/New_York</c>.</summary>
    public string? TimeZone { get; init; }

    /// <summary>A UTM touch to record.</summary>
    public KeapUtmParameters? UtmParameters { get; init; }

    /// <summary>Assistant's name (at most 20 characters).</summary>
    public string? AssistantName { get; init; }

    /// <summary>Assistant's phone number (at most 15 characters).</summary>
    public string? AssistantPhone { get; init; }

    /// <summary>Billing information (at most 100 characters).</summary>
    public string? BillingInformation { get; init; }

    /// <summary>
    /// Properties this type does not model (for example ones Keap adds later), sent as given, by JSON name. On an
    /// update their names join <c>update_mask</c>, so use names Keap's <c>update_mask</c> accepts. The name of a property this
    /// type models (for example <c>given_name</c>) is refused with an <see cref="ArgumentException"/>.
    /// </summary>
    public IDictionary<string, JsonElement> AdditionalProperties { get; } = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
}

/// <summary>How the arrays of a <see cref="KeapContactInput"/> combine with the contact's stored arrays.</summary>
public enum KeapArrayUpdate
{
    /// <summary>
    /// The items given replace the stored items of the same slot (email, phone, fax and address <c>Field</c>, social
    /// account <c>Type</c>, custom field id; two items for one slot are refused in either mode); every other stored item is kept.
    /// Because Keap itself only replaces whole arrays, the client first reads the stored arrays that could hold items
    /// to keep (one more request): not an array whose items fill every slot Keap's spec defines (all of
    /// <c>EMAIL1</c>–<c>EMAIL3</c>, say), and not an empty list, which changes nothing and is not sent. Custom fields are
    /// always read. Every item must name its slot.
    /// </summary>
    Merge,

    /// <summary>The arrays given replace the stored ones whole, as Keap does: items not given are removed, and an empty list clears the array.</summary>
    Replace,
}
