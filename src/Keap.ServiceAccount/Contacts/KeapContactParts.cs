using System.Text.Json;
using System.Text.Json.Serialization;

namespace Keap.ServiceAccount;

/// <summary>One of a contact's three email addresses.</summary>
public sealed class KeapEmailAddress
{
    /// <summary>The address. Keap allows 75 characters in <c>EMAIL1</c> and 100 in <c>EMAIL2</c>/<c>EMAIL3</c>.</summary>
    public string? Email { get; init; }

    /// <summary>The slot: <c>EMAIL1</c> (primary), <c>EMAIL2</c> or <c>EMAIL3</c>.</summary>
    public string? Field { get; init; }

    /// <summary>
    /// Why the person agreed to marketing email (<c>opt_in_reason</c>). Set it when writing to opt the address in; Keap
    /// never opts in an address that opted out.
    /// </summary>
    public string? OptInReason { get; init; }

    /// <summary>Whether the address is opted in (<c>is_opt_in</c>); read only, never sent.</summary>
    public bool? IsOptIn { get; init; }

    /// <summary>The opt-in status (<c>email_opt_status</c>); read only, never sent.</summary>
    [JsonPropertyName("email_opt_status")]
    public KeapEmailStatus? Status { get; init; }
}

/// <summary>One of a contact's five phone numbers.</summary>
public sealed class KeapPhoneNumber
{
    /// <summary>The number. Keap allows 40 characters in <c>PHONE1</c>–<c>PHONE3</c> and 20 in <c>PHONE4</c>/<c>PHONE5</c>.</summary>
    public string? Number { get; init; }

    /// <summary>The extension.</summary>
    public string? Extension { get; init; }

    /// <summary>The kind Keap shows, for example <c>Work</c> or <c>Mobile</c>.</summary>
    public string? Type { get; init; }

    /// <summary>The slot: <c>PHONE1</c> to <c>PHONE5</c>.</summary>
    public string? Field { get; init; }

    /// <summary>The number in E.164 form, for example <c>+15551234567</c> (<c>number_e164</c>), as Keap computed it.</summary>
    [JsonPropertyName("number_e164")]
    public string? NumberE164 { get; init; }
}

/// <summary>One of a contact's two fax numbers.</summary>
public sealed class KeapFaxNumber
{
    /// <summary>The number.</summary>
    public string? Number { get; init; }

    /// <summary>The kind Keap shows, for example <c>Work</c>.</summary>
    public string? Type { get; init; }

    /// <summary>The slot: <c>FAX1</c> or <c>FAX2</c>.</summary>
    public string? Field { get; init; }
}

/// <summary>One of a contact's three postal addresses.</summary>
public sealed class KeapAddress
{
    /// <summary>The slot: <c>BILLING</c>, <c>SHIPPING</c> or <c>OTHER</c>.</summary>
    public string? Field { get; init; }

    /// <summary>Street, line 1.</summary>
    public string? Line1 { get; init; }

    /// <summary>Street, line 2.</summary>
    public string? Line2 { get; init; }

    /// <summary>City.</summary>
    public string? Locality { get; init; }

    /// <summary>ISO 3166-2 region code, for example <c>US-AZ</c>; Keap wants it (not <see cref="Region"/>) on writes, with <see cref="CountryCode"/>.</summary>
    public string? RegionCode { get; init; }

    /// <summary>ISO 3166-1 alpha-3 country code, for example <c>USA</c>; required by Keap when a region is given.</summary>
    public string? CountryCode { get; init; }

    /// <summary>Postal code.</summary>
    public string? PostalCode { get; init; }

    /// <summary>US ZIP code.</summary>
    public string? ZipCode { get; init; }

    /// <summary>US ZIP+4 extension.</summary>
    public string? ZipFour { get; init; }

    /// <summary>The region's long name, as Keap returns it (deprecated by Keap for writes).</summary>
    public string? Region { get; init; }

    /// <summary>The country's long name, as Keap returns it (deprecated by Keap for writes).</summary>
    public string? Country { get; init; }
}

/// <summary>A social network account of a contact.</summary>
public sealed class KeapSocialAccount
{
    /// <summary>The user name or handle, for example <c>@thryv</c>.</summary>
    public string? Name { get; init; }

    /// <summary>The network: <c>FACEBOOK</c>, <c>LINKED_IN</c>, <c>TWITTER</c>, <c>INSTAGRAM</c>, <c>SNAPCHAT</c>, <c>YOUTUBE</c> or <c>PINTEREST</c>; one account per network.</summary>
    public required string Type { get; init; }
}

/// <summary>The company a contact belongs to.</summary>
public sealed class KeapCompanyReference
{
    /// <summary>Keap's id of the company; on writes, the company to link.</summary>
    public string? Id { get; init; }

    /// <summary>The company's name.</summary>
    public string? CompanyName { get; init; }
}

/// <summary>Where a contact came from, as Keap recorded it.</summary>
public sealed class KeapContactOrigin
{
    /// <summary>When the contact was recorded (UTC offset as Keap sent it).</summary>
    public DateTimeOffset? Date { get; init; }

    /// <summary>The IP address the contact came from.</summary>
    public string? IpAddress { get; init; }
}

/// <summary>UTM parameters to record with a contact (a "touch"): Keap's <c>utm_parameters</c> on create and update.</summary>
public sealed class KeapUtmParameters
{
    /// <summary>The id of the Keap form the contact came through (<c>keap_source_id</c>), required by Keap.</summary>
    public required string KeapSourceId { get; init; }

    /// <summary><c>utm_source</c>, for example <c>google</c>.</summary>
    public string? UtmSource { get; init; }

    /// <summary><c>utm_medium</c>, for example <c>cpc</c>.</summary>
    public string? UtmMedium { get; init; }

    /// <summary><c>utm_term</c>.</summary>
    public string? UtmTerm { get; init; }

    /// <summary><c>utm_campaign</c>.</summary>
    public string? UtmCampaign { get; init; }

    /// <summary><c>utm_content</c>.</summary>
    public string? UtmContent { get; init; }
}

/// <summary>One recorded UTM touch of a contact, as Keap returns it (its reply uses camelCase names here).</summary>
public sealed class KeapUtmTouch
{
    /// <summary>Keap's id of the touch.</summary>
    [JsonPropertyName("id")]
    public long? Id { get; init; }

    /// <summary>The Keap form id.</summary>
    [JsonPropertyName("keapSourceId")]
    public string? KeapSourceId { get; init; }

    /// <summary><c>utm_source</c>.</summary>
    [JsonPropertyName("utmSource")]
    public string? UtmSource { get; init; }

    /// <summary><c>utm_medium</c>.</summary>
    [JsonPropertyName("utmMedium")]
    public string? UtmMedium { get; init; }

    /// <summary><c>utm_term</c>.</summary>
    [JsonPropertyName("utmTerm")]
    public string? UtmTerm { get; init; }

    /// <summary><c>utm_campaign</c>.</summary>
    [JsonPropertyName("utmCampaign")]
    public string? UtmCampaign { get; init; }

    /// <summary><c>utm_content</c>.</summary>
    [JsonPropertyName("utmContent")]
    public string? UtmContent { get; init; }

    /// <summary>Whether this was the contact's first touch.</summary>
    [JsonPropertyName("firstTouch")]
    public bool? FirstTouch { get; init; }

    /// <summary>Whether this was the contact's latest touch.</summary>
    [JsonPropertyName("lastTouch")]
    public bool? LastTouch { get; init; }

    /// <summary>When the touch was recorded.</summary>
    [JsonPropertyName("dateCreated")]
    public DateTimeOffset? DateCreated { get; init; }
}

/// <summary>A link from a contact to another contact (for example a spouse).</summary>
public sealed class KeapContactLink
{
    /// <summary>Keap's id of the link.</summary>
    public string? Id { get; init; }

    /// <summary>The other contact's id.</summary>
    public string? LinkedContactId { get; init; }

    /// <summary>The link type's id.</summary>
    public string? LinkTypeId { get; init; }

    /// <summary>The link type's name, for example <c>Spouse</c>.</summary>
    public string? LinkTypeName { get; init; }
}

/// <summary>The value of one custom field of a contact, by field id. Read it by label through <see cref="KeapContactModel"/>.</summary>
public sealed class KeapCustomFieldValue
{
    /// <summary>The custom field's id (see <see cref="KeapCustomField.Id"/>).</summary>
    public required string Id { get; init; }

    /// <summary>The value as Keap sent it (string, number, boolean, array or null).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public JsonElement Content { get; init; }
}
