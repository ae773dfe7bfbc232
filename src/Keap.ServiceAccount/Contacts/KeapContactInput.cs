namespace Keap.ServiceAccount;

/// <summary>The fields of a contact to create or change. Fields left <see langword="null"/> are not sent.</summary>
public sealed class KeapContactInput
{
    /// <summary>The primary email address (Keap's <c>EMAIL1</c>).</summary>
    public string? Email { get; init; }

    /// <summary>
    /// Why the person agreed to receive marketing email at <see cref="Email"/>, for example
    /// <c>"Signed up on example.com and ticked the newsletter box"</c>. Sent as the address's <c>opt_in_reason</c>, which
    /// makes the address marketable (Keap will email it). Leave it <see langword="null"/> when the person did not consent:
    /// Keap then keeps the address non-marketable. Keap never opts in an address that opted out, whatever the reason.
    /// </summary>
    public string? EmailOptInReason { get; init; }

    /// <summary>The first name.</summary>
    public string? GivenName { get; init; }

    /// <summary>The last name.</summary>
    public string? FamilyName { get; init; }
}
