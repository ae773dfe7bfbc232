namespace Keap.ServiceAccount;

/// <summary>The fields of a contact to create or change. Fields left <see langword="null"/> are not sent.</summary>
public sealed class KeapContactInput
{
    /// <summary>The primary email address (Keap's <c>EMAIL1</c>).</summary>
    public string? Email { get; init; }

    /// <summary>The first name.</summary>
    public string? GivenName { get; init; }

    /// <summary>The last name.</summary>
    public string? FamilyName { get; init; }
}
