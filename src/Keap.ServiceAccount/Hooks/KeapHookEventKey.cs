using System.Text.Json.Serialization;

namespace Keap.ServiceAccount;

/// <summary>
/// A Keap REST hook event key (<c>noun.verb</c>, for example <c>contact.delete</c>): what a subscription listens to
/// and what a delivery's <c>event_key</c> names. Keeps keys this package does not know as they came; the live list is
/// <see cref="IKeapHooksClient.ListEventKeysAsync"/> (<c>GET /rest/v1/hooks/event_keys</c>, Keap's REST hook
/// documentation). Keys compare by ordinal value, as Keap spells them.
/// </summary>
/// <param name="Value">Keap's key, for example <c>contactGroup.removed</c>.</param>
[JsonConverter(typeof(ExtensibleEnumConverter<KeapHookEventKey>))]
public readonly record struct KeapHookEventKey(string Value) : IExtensibleEnum<KeapHookEventKey>
{
    /// <summary><c>contact.add</c>: a contact was created.</summary>
    public static KeapHookEventKey ContactAdd { get; } = new("contact.add");

    /// <summary><c>contact.edit</c>: a contact was changed.</summary>
    public static KeapHookEventKey ContactEdit { get; } = new("contact.edit");

    /// <summary><c>contact.delete</c>: a contact was deleted.</summary>
    public static KeapHookEventKey ContactDelete { get; } = new("contact.delete");

    /// <summary><c>contact.redact</c>: a contact's personal data was redacted.</summary>
    public static KeapHookEventKey ContactRedact { get; } = new("contact.redact");

    /// <summary><c>contactGroup.add</c>: a tag was created.</summary>
    public static KeapHookEventKey ContactGroupAdd { get; } = new("contactGroup.add");

    /// <summary><c>contactGroup.edit</c>: a tag was changed.</summary>
    public static KeapHookEventKey ContactGroupEdit { get; } = new("contactGroup.edit");

    /// <summary><c>contactGroup.delete</c>: a tag was deleted.</summary>
    public static KeapHookEventKey ContactGroupDelete { get; } = new("contactGroup.delete");

    /// <summary><c>contactGroup.applied</c>: a tag was applied to contacts (Keap delivers it 5–10 minutes late).</summary>
    public static KeapHookEventKey ContactGroupApplied { get; } = new("contactGroup.applied");

    /// <summary><c>contactGroup.removed</c>: a tag was removed from contacts (delivered minutes late).</summary>
    public static KeapHookEventKey ContactGroupRemoved { get; } = new("contactGroup.removed");

    static KeapHookEventKey IExtensibleEnum<KeapHookEventKey>.From(string value) => new(value);

    /// <summary>Keap's key.</summary>
    /// <returns><see cref="Value"/>.</returns>
    public override string ToString() => Value ?? string.Empty;
}
