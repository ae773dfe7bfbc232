using Keap.ServiceAccount.Http;
using Refit;

namespace Keap.ServiceAccount.Contacts;

/// <summary>The HTTP contract of Keap's v2 contacts endpoints, relative to the API base address.</summary>
internal interface IKeapContactsApi
{
    [Post("/rest/v2/contacts")]
    Task<KeapContact> CreateAsync([Body] ContactWriteDto contact, CancellationToken cancellationToken);

    /// <summary>
    /// Upsert: 200 when an existing contact was updated, 201 when one was created; the caller reads the status.
    /// Repeating it finds the contact it created, so callers mark it <paramref name="repeatable"/> unless the body adds
    /// something on each arrival (<see cref="ContactWriteDto.IsRepeatable()"/>: a UTM touch).
    /// </summary>
    [Post("/rest/v2/contacts")]
    Task<HttpResponseMessage> UpsertAsync(
        [Body] ContactWriteDto contact,
        [AliasAs("duplicate_option")] string duplicateOption,
        [Property(KeapRequestMarks.RepeatableKey)] bool repeatable,
        CancellationToken cancellationToken);

    /// <summary>Reads a contact; <paramref name="fields"/> (comma-separated, as the spec's <c>explode: false</c>) limits the properties returned.</summary>
    [Get("/rest/v2/contacts/{contactId}")]
    Task<KeapContact> GetAsync(string contactId, [Query(CollectionFormat.Csv)] IEnumerable<string>? fields, CancellationToken cancellationToken);

    [Get("/rest/v2/contacts")]
    Task<ContactListDto> ListAsync(
        string? filter,
        [AliasAs("order_by")] string? orderBy,
        [AliasAs("page_size")] int pageSize,
        [AliasAs("page_token")] string? pageToken,
        [Query(CollectionFormat.Csv)] IEnumerable<string>? fields,
        CancellationToken cancellationToken);

    /// <summary>
    /// Changes the properties named in <paramref name="updateMask"/>, a query array repeated per name as the spec declares it.
    /// Setting the same values twice changes nothing, unless the body records a UTM touch (Keap adds one per write):
    /// callers pass <see cref="ContactWriteDto.IsRepeatable()"/> as <paramref name="repeatable"/>.
    /// </summary>
    [Patch("/rest/v2/contacts/{contactId}")]
    Task<KeapContact> UpdateAsync(
        string contactId,
        [Body] ContactWriteDto changes,
        [Query(CollectionFormat.Multi)][AliasAs("update_mask")] IEnumerable<string> updateMask,
        [Property(KeapRequestMarks.RepeatableKey)] bool repeatable,
        CancellationToken cancellationToken);

    [Delete("/rest/v2/contacts/{contactId}")]
    Task DeleteAsync(string contactId, CancellationToken cancellationToken);

    [Get("/rest/v2/contacts/model")]
    Task<KeapContactModel> GetModelAsync(CancellationToken cancellationToken);

    [Get("/rest/v2/emailAddresses/{email}/status")]
    Task<KeapEmailAddressStatus> GetEmailStatusAsync(string email, CancellationToken cancellationToken);

    /// <summary>Setting the same opt-in status twice changes nothing, so callers mark it <paramref name="repeatable"/>.</summary>
    [Patch("/rest/v2/emailAddresses/{email}/status")]
    Task<KeapEmailAddressStatus> UpdateEmailStatusAsync(string email, [Body] EmailStatusWriteDto change, [Property(KeapRequestMarks.RepeatableKey)] bool repeatable, CancellationToken cancellationToken);
}
