using System.Text.Json.Serialization;
using Keap.ServiceAccount.Http;

namespace Keap.ServiceAccount.Contacts;

/// <summary>A contact as Keap returns it (the fields this package exposes).</summary>
internal sealed class ContactDto
{
    [JsonConverter(typeof(StringOrNumberConverter))]
    public string? Id { get; set; }

    public string? GivenName { get; set; }

    public string? FamilyName { get; set; }

    public List<EmailAddressDto>? EmailAddresses { get; set; }

    public KeapContact ToContact() => new()
    {
        Id = Id ?? throw new KeapApiException("Keap returned a contact without an id."),
        GivenName = GivenName,
        FamilyName = FamilyName,

        // The primary address is EMAIL1; fall back to the first one when Keap labels none.
        Email = (EmailAddresses?.Find(e => e.Field == EmailAddressDto.PrimaryField) ?? EmailAddresses?.FirstOrDefault())?.Email,
    };
}

/// <summary>An email address slot; <see cref="Field"/> stays a string so slots unknown to us still read.</summary>
internal sealed class EmailAddressDto
{
    public const string PrimaryField = "EMAIL1";

    public string? Email { get; set; }

    public string? Field { get; set; }

    public string? OptInReason { get; set; }
}

/// <summary>The body of a contact create, upsert or update.</summary>
internal sealed class ContactWriteDto
{
    public string? GivenName { get; set; }

    public string? FamilyName { get; set; }

    public List<EmailAddressDto>? EmailAddresses { get; set; }

    public static ContactWriteDto From(KeapContactInput input) => new()
    {
        GivenName = input.GivenName,
        FamilyName = input.FamilyName,
        EmailAddresses = input.Email is null ? null : [new EmailAddressDto { Email = input.Email, Field = EmailAddressDto.PrimaryField, OptInReason = input.EmailOptInReason }],
    };

    /// <summary>The <c>update_mask</c> naming the fields this body sets, so a PATCH leaves the others alone.</summary>
    public string UpdateMask() => string.Join(
        ',',
        new[] { (GivenName, "given_name"), (FamilyName, "family_name") }
            .Where(f => f.Item1 is not null)
            .Select(f => f.Item2)
            .Concat(EmailAddresses is null ? [] : ["email_addresses"]));
}

/// <summary>A page of contacts.</summary>
internal sealed class ContactListDto
{
    public List<ContactDto>? Contacts { get; set; }

    public string? NextPageToken { get; set; }
}
