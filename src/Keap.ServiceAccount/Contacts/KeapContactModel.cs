using System.Globalization;

namespace Keap.ServiceAccount;

/// <summary>The contact model of the Keap account (<c>GET /v2/contacts/model</c>): its custom fields and optional properties.</summary>
public sealed class KeapContactModel
{
    /// <summary>The contact custom fields defined in the account.</summary>
    public IReadOnlyList<KeapCustomField> CustomFields { get => field ?? []; init; }

    /// <summary>Contact properties Keap sends only when asked for.</summary>
    public IReadOnlyList<string> OptionalProperties { get => field ?? []; init; }

    /// <summary>
    /// Finds a custom field by label, ignoring case. A label that two fields share (equal, or differing only in case)
    /// names neither: it is refused rather than resolved to one of them; use the field's id for those.
    /// </summary>
    /// <param name="label">The label, as Keap shows it.</param>
    /// <returns>The field, or <see langword="null"/> when no field has the label.</returns>
    /// <exception cref="ArgumentException">Two or more fields have the label; the message names them with their ids.</exception>
    public KeapCustomField? FindByLabel(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        var matches = CustomFields.Where(f => string.Equals(f.Label, label, StringComparison.OrdinalIgnoreCase)).ToList();
        return matches.Count > 1 ? throw AmbiguousLabel(label, matches) : matches.FirstOrDefault();
    }

    /// <summary>Finds a custom field by id.</summary>
    /// <param name="id">The field's id.</param>
    /// <returns>The field, or <see langword="null"/>.</returns>
    public KeapCustomField? FindById(string id) => CustomFields.FirstOrDefault(f => string.Equals(f.Id, id, StringComparison.Ordinal));

    internal ArgumentException UnknownLabel(string label) => new(string.Create(
        CultureInfo.InvariantCulture,
        $"The Keap account has no contact custom field labelled '{label}'. Its custom fields are: {(CustomFields.Count == 0 ? "(none)" : string.Join(", ", CustomFields.Select(f => $"'{f.Label}'")))}."), nameof(label));

    private static ArgumentException AmbiguousLabel(string label, IEnumerable<KeapCustomField> fields) => new(string.Create(
        CultureInfo.InvariantCulture,
        $"The label '{label}' names several contact custom fields of the Keap account (labels are matched ignoring case): {string.Join(", ", fields.Select(f => $"'{f.Label}' (id {f.Id})"))}. Name the field by its id instead (KeapCustomFieldValues.SetById, KeapContact.GetCustomFieldValueById)."), nameof(label));

    internal ArgumentException UnknownId(string id) => new(string.Create(
        CultureInfo.InvariantCulture,
        $"The Keap account has no contact custom field with id '{id}'. Its custom fields are: {(CustomFields.Count == 0 ? "(none)" : string.Join(", ", CustomFields.Select(f => $"'{f.Label}' (id {f.Id})")))}."), nameof(id));
}

/// <summary>A contact custom field defined in the Keap account.</summary>
public sealed class KeapCustomField
{
    /// <summary>The field's id, used in <see cref="KeapCustomFieldValue.Id"/>.</summary>
    public required string Id { get; init; }

    /// <summary>The label Keap shows.</summary>
    public string? Label { get; init; }

    /// <summary>The database name, used in list filters (for example <c>firstName1</c>).</summary>
    public string? FieldName { get; init; }

    /// <summary>The value type.</summary>
    public KeapCustomFieldType? FieldType { get; init; }

    /// <summary>The choices of a dropdown, radio or list box field.</summary>
    public IReadOnlyList<KeapCustomFieldOption> Options { get => field ?? []; init; }

    /// <summary>The record type it belongs to, for example <c>CONTACT</c>.</summary>
    public string? RecordType { get; init; }

    /// <summary>The default value, if any.</summary>
    public string? DefaultValue { get; init; }

    /// <summary>The id of the group it belongs to.</summary>
    public string? GroupId { get; init; }

    /// <summary>The name of the group it belongs to.</summary>
    public string? GroupName { get; init; }
}

/// <summary>One choice of a dropdown, radio or list box custom field.</summary>
public sealed class KeapCustomFieldOption
{
    /// <summary>The option's id.</summary>
    public string? Id { get; init; }

    /// <summary>The option's label.</summary>
    public string? Label { get; init; }
}

/// <summary>The opt-in status of an email address (<c>/v2/emailAddresses/{email}/status</c>).</summary>
public sealed class KeapEmailAddressStatus
{
    /// <summary>The address.</summary>
    public required string Email { get; init; }

    /// <summary>Whether Keap may send it marketing email.</summary>
    public bool OptedIn { get; init; }

    /// <summary>The status.</summary>
    public KeapEmailStatus Status { get; init; }

    /// <summary>When Keap first recorded a status for the address.</summary>
    public DateTimeOffset? CreateTime { get; init; }

    /// <summary>The latest click on an email sent to the address.</summary>
    public DateTimeOffset? LastClickTime { get; init; }

    /// <summary>The latest open of an email sent to the address.</summary>
    public DateTimeOffset? LastOpenTime { get; init; }

    /// <summary>The latest email sent to the address.</summary>
    public DateTimeOffset? LastSentTime { get; init; }
}

/// <summary>One page of a contact list, with the token that fetches the next one.</summary>
public sealed class KeapContactPage
{
    /// <summary>The page's contacts.</summary>
    public required IReadOnlyList<KeapContact> Contacts { get; init; }

    /// <summary>The token of the next page, or <see langword="null"/> on the last page. Keep it to resume after a restart.</summary>
    public string? NextPageToken { get; init; }
}
