namespace Keap.ServiceAccount;

/// <summary>A Keap contact.</summary>
public sealed class KeapContact
{
    /// <summary>Keap's id of the contact.</summary>
    public required string Id { get; init; }

    /// <summary>The primary email address, if any.</summary>
    public string? Email { get; init; }

    /// <summary>The first name.</summary>
    public string? GivenName { get; init; }

    /// <summary>The last name.</summary>
    public string? FamilyName { get; init; }
}
