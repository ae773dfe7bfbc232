using Keap.ServiceAccount.Http;
using Refit;

namespace Keap.ServiceAccount.Contacts;

/// <summary>The HTTP contract of Keap's v2 contacts endpoints, relative to the API base address.</summary>
internal interface IKeapContactsApi
{
    [Post("/rest/v2/contacts")]
    Task<ContactDto> CreateAsync([Body] ContactWriteDto contact, CancellationToken cancellationToken);

    /// <summary>
    /// Upsert: 200 when an existing contact was updated, 201 when one was created; the caller reads the status.
    /// Repeating it finds the contact it created, so callers mark it <paramref name="repeatable"/>.
    /// </summary>
    [Post("/rest/v2/contacts")]
    Task<HttpResponseMessage> UpsertAsync(
        [Body] ContactWriteDto contact,
        [AliasAs("duplicate_option")] string duplicateOption,
        [Property(KeapRequestMarks.RepeatableKey)] bool repeatable,
        CancellationToken cancellationToken);

    [Get("/rest/v2/contacts/{contactId}")]
    Task<ContactDto> GetAsync(string contactId, CancellationToken cancellationToken);

    [Get("/rest/v2/contacts")]
    Task<ContactListDto> ListAsync(string? filter, [AliasAs("page_size")] int pageSize, [AliasAs("page_token")] string? pageToken, CancellationToken cancellationToken);

    [Patch("/rest/v2/contacts/{contactId}")]
    Task<ContactDto> UpdateAsync(string contactId, [Body] ContactWriteDto changes, [AliasAs("update_mask")] string updateMask, CancellationToken cancellationToken);

    [Delete("/rest/v2/contacts/{contactId}")]
    Task DeleteAsync(string contactId, CancellationToken cancellationToken);
}
