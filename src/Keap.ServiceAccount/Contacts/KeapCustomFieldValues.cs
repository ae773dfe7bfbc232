namespace Keap.ServiceAccount;

/// <summary>
/// Custom field values to write, by label (as Keap shows it, for example <c>"Favorite Color"</c>) or by id. Before
/// sending, the client resolves labels and checks each value's type against the contact model
/// (<c>GET /v2/contacts/model</c>, cached).
/// </summary>
/// <remarks>
/// Accepted values by field type: text types take <see cref="string"/>; <c>WHOLE_NUMBER</c>, <c>YEAR</c>,
/// <c>MONTH</c> and <c>USER</c> take an integer; <c>DECIMAL_NUMBER</c>, <c>CURRENCY</c> and <c>PERCENT</c> take any
/// number; <c>YES_NO</c> takes <see cref="bool"/>; <c>DATE</c> takes <see cref="DateOnly"/>; <c>DATE_TIME</c> takes
/// <see cref="DateTimeOffset"/>; <c>DROPDOWN</c> and <c>RADIO</c> take one option (label or id); <c>LIST_BOX</c> and
/// <c>USER_LIST_BOX</c> take a sequence of strings. <see langword="null"/> clears the field.
/// <para>
/// The model is cached for 15 minutes. When it refuses a value (a label or id it lacks, a label two fields share, a
/// type or option mismatch), the client reads the model again once before refusing, so a field or option an
/// administrator just added in Keap is accepted.
/// </para>
/// </remarks>
public sealed class KeapCustomFieldValues
{
    private readonly List<Entry> _entries = [];

    /// <summary>How many values are set.</summary>
    public int Count => _entries.Count;

    /// <summary>The value set for the field with this label, or <see langword="null"/>; setting it is <see cref="Set"/>.</summary>
    /// <param name="label">The field's label.</param>
    public object? this[string label]
    {
        get => _entries.LastOrDefault(e => e.Label == label)?.Value;
        set => Set(label, value);
    }

    /// <summary>
    /// Sets the value of the field with this label, matched ignoring case; a label that two fields share is refused
    /// when the value is written (use <see cref="SetById"/> for those).
    /// </summary>
    /// <param name="label">The field's label.</param>
    /// <param name="value">The value; <see langword="null"/> clears the field.</param>
    /// <returns>This instance, to chain calls.</returns>
    public KeapCustomFieldValues Set(string label, object? value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(label);
        _entries.RemoveAll(e => e.Label == label);
        _entries.Add(new Entry(label, null, value));
        return this;
    }

    /// <summary>Sets the value of the field with this id.</summary>
    /// <param name="id">The field's id (<see cref="KeapCustomField.Id"/>).</param>
    /// <param name="value">The value; <see langword="null"/> clears the field.</param>
    /// <returns>This instance, to chain calls.</returns>
    public KeapCustomFieldValues SetById(string id, object? value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        _entries.RemoveAll(e => e.Id == id);
        _entries.Add(new Entry(null, id, value));
        return this;
    }

    internal IReadOnlyList<Entry> Entries => _entries;

    /// <summary>One value, by label or by id.</summary>
    internal sealed record Entry(string? Label, string? Id, object? Value);
}
