using System.Collections.ObjectModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Keap.ServiceAccount.Contacts;

namespace Keap.ServiceAccount;

/// <summary>
/// A Keap contact: every property of Keap's v2 <c>Contact</c>. Properties Keap adds later, which this type does not
/// model yet, are kept in <see cref="AdditionalProperties"/>. Dates without a time are <see cref="DateOnly"/>; times
/// are <see cref="DateTimeOffset"/> as Keap sent them (UTC).
/// </summary>
public sealed class KeapContact
{
    private readonly string? _email;

    /// <summary>Keap's id of the contact.</summary>
    public required string Id { get; init; }

    /// <summary>The primary email address: <c>EMAIL1</c>, or the first address when Keap labels none.</summary>
    [JsonIgnore]
    public string? Email
    {
        get => _email ?? (EmailAddresses.FirstOrDefault(e => e.Field == KeapContactInput.PrimaryEmailField) ?? (EmailAddresses.Count > 0 ? EmailAddresses[0] : null))?.Email;
        init => _email = value;
    }

    /// <summary>First name (<c>given_name</c>).</summary>
    public string? GivenName { get; init; }

    /// <summary>Last name (<c>family_name</c>).</summary>
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

    /// <summary>Email addresses (slots <c>EMAIL1</c>–<c>EMAIL3</c>) with their opt-in status.</summary>
    public IReadOnlyList<KeapEmailAddress> EmailAddresses { get => field ?? []; init; }

    /// <summary>Phone numbers (slots <c>PHONE1</c>–<c>PHONE5</c>).</summary>
    public IReadOnlyList<KeapPhoneNumber> PhoneNumbers { get => field ?? []; init; }

    /// <summary>Fax numbers (slots <c>FAX1</c>, <c>FAX2</c>).</summary>
    public IReadOnlyList<KeapFaxNumber> FaxNumbers { get => field ?? []; init; }

    /// <summary>Postal addresses (slots <c>BILLING</c>, <c>SHIPPING</c>, <c>OTHER</c>).</summary>
    public IReadOnlyList<KeapAddress> Addresses { get => field ?? []; init; }

    /// <summary>Social network accounts.</summary>
    public IReadOnlyList<KeapSocialAccount> SocialAccounts { get => field ?? []; init; }

    /// <summary>The company.</summary>
    public KeapCompanyReference? Company { get; init; }

    /// <summary>Job title.</summary>
    public string? JobTitle { get; init; }

    /// <summary>Personal website URL.</summary>
    public string? Website { get; init; }

    /// <summary>Type of contact, for example <c>Prospect</c> or <c>Customer</c>.</summary>
    public string? ContactType { get; init; }

    /// <summary>The lead source's id (<c>leadsource_id</c>).</summary>
    [JsonPropertyName("leadsource_id")]
    public string? LeadSourceId { get; init; }

    /// <summary>The id of the Keap user who owns the contact.</summary>
    public string? OwnerId { get; init; }

    /// <summary>Referral code.</summary>
    public string? ReferralCode { get; init; }

    /// <summary>Lead score (<c>score_value</c>).</summary>
    public string? ScoreValue { get; init; }

    /// <summary>Where the contact came from (IP address and date).</summary>
    public KeapContactOrigin? Origin { get; init; }

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

    /// <summary>The UTM touches Keap recorded.</summary>
    public IReadOnlyList<KeapUtmTouch> UtmParameters { get => field ?? []; init; }

    /// <summary>The ids of the tags applied to the contact.</summary>
    public IReadOnlyList<string> TagIds { get => field ?? []; init; }

    /// <summary>Custom field values by field id; read one by label with <see cref="GetCustomFieldValue{T}"/>.</summary>
    public IReadOnlyList<KeapCustomFieldValue> CustomFields { get => field ?? []; init; }

    /// <summary>Links to other contacts.</summary>
    public IReadOnlyList<KeapContactLink> Links { get => field ?? []; init; }

    /// <summary>Keap's <c>groups</c> value.</summary>
    public string? Groups { get; init; }

    /// <summary>Keap's <c>account_id</c>.</summary>
    public string? AccountId { get; init; }

    /// <summary>Assistant's name.</summary>
    public string? AssistantName { get; init; }

    /// <summary>Assistant's phone number.</summary>
    public string? AssistantPhone { get; init; }

    /// <summary>Billing information.</summary>
    public string? BillingInformation { get; init; }

    /// <summary>The id of the Keap user who created the contact.</summary>
    public string? CreatedBy { get; init; }

    /// <summary>The id of the Keap user who last changed the contact.</summary>
    public string? LastUpdatedBy { get; init; }

    /// <summary>When Keap created the contact.</summary>
    public DateTimeOffset? CreateTime { get; init; }

    /// <summary>When Keap last changed the contact.</summary>
    public DateTimeOffset? UpdateTime { get; init; }

    /// <summary>Properties Keap sent that this type does not model, by JSON name, as they came.</summary>
    [JsonIgnore]
    public IReadOnlyDictionary<string, JsonElement> AdditionalProperties => (IReadOnlyDictionary<string, JsonElement>?)Unmodelled ?? ReadOnlyDictionary<string, JsonElement>.Empty;

    [JsonExtensionData]
    [JsonInclude]
    internal Dictionary<string, JsonElement>? Unmodelled { get; set; }

    /// <summary>
    /// Reads this contact's value of the custom field with this label (matched ignoring case), as
    /// <typeparamref name="T"/>: <see cref="string"/> for text and option fields,
    /// <see cref="long"/>/<see cref="int"/>/<see cref="decimal"/>/<see cref="double"/> for numbers, <see cref="bool"/>
    /// for <c>YES_NO</c>, <see cref="DateOnly"/> for <c>DATE</c>, <see cref="DateTimeOffset"/> for <c>DATE_TIME</c>,
    /// <see cref="IReadOnlyList{T}"/> of <see cref="string"/> for list boxes.
    /// </summary>
    /// <typeparam name="T">The .NET type to read.</typeparam>
    /// <param name="label">The field's label, as Keap shows it.</param>
    /// <param name="model">The account's contact model, from <see cref="IKeapContactsClient.GetModelAsync"/>: it names the fields and their types.</param>
    /// <returns>The value, or <see langword="default"/> when the contact has none.</returns>
    /// <exception cref="ArgumentException">The model has no field with that label, or several (use <see cref="GetCustomFieldValueById{T}"/>).</exception>
    /// <exception cref="InvalidCastException">The value cannot be read as <typeparamref name="T"/>.</exception>
    public T? GetCustomFieldValue<T>(string label, KeapContactModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return ReadCustomField<T>(model.FindByLabel(label) ?? throw model.UnknownLabel(label));
    }

    /// <summary>Reads this contact's value of the custom field with this id, as <see cref="GetCustomFieldValue{T}"/> does by label.</summary>
    /// <typeparam name="T">The .NET type to read.</typeparam>
    /// <param name="id">The field's id (<see cref="KeapCustomField.Id"/>).</param>
    /// <param name="model">The account's contact model, from <see cref="IKeapContactsClient.GetModelAsync"/>: it gives the field's type.</param>
    /// <returns>The value, or <see langword="default"/> when the contact has none.</returns>
    /// <exception cref="ArgumentException">The model has no field with that id.</exception>
    /// <exception cref="InvalidCastException">The value cannot be read as <typeparamref name="T"/>.</exception>
    public T? GetCustomFieldValueById<T>(string id, KeapContactModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return ReadCustomField<T>(model.FindById(id) ?? throw model.UnknownId(id));
    }

    private T? ReadCustomField<T>(KeapCustomField field)
    {
        var value = CustomFields.FirstOrDefault(v => v.Id == field.Id);
        return value is null ? default : CustomFieldContent.Read<T>(field, value.Content);
    }
}
