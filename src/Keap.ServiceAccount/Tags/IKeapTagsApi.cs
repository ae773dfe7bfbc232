using Keap.ServiceAccount.Http;
using Refit;

namespace Keap.ServiceAccount.Tags;

/// <summary>The HTTP contract of Keap's v2 tags endpoints, relative to the API base address.</summary>
internal interface IKeapTagsApi
{
    [Get("/rest/v2/tags")]
    Task<TagListDto> ListAsync(string? filter, [AliasAs("page_size")] int pageSize, [AliasAs("page_token")] string? pageToken, CancellationToken cancellationToken);

    [Post("/rest/v2/tags")]
    Task<TagDto> CreateAsync([Body] TagWriteDto tag, CancellationToken cancellationToken);

    /// <summary>Applying a tag twice leaves it applied once, so callers mark it <paramref name="repeatable"/>.</summary>
    [Post("/rest/v2/tags/{tagId}/contacts:applyTags")]
    Task<ApplyTagsDto> ApplyAsync(string tagId, [Body] ContactIdsDto body, [Property(KeapRequestMarks.RepeatableKey)] bool repeatable, CancellationToken cancellationToken);

    /// <summary>Removing a tag twice leaves it removed, so callers mark it <paramref name="repeatable"/>.</summary>
    [Post("/rest/v2/tags/{tagId}/contacts:removeTags")]
    Task RemoveAsync(string tagId, [Body] ContactIdsDto body, [Property(KeapRequestMarks.RepeatableKey)] bool repeatable, CancellationToken cancellationToken);

    [Get("/rest/v2/contacts/{contactId}/tags")]
    Task<ContactTagListDto> ListForContactAsync(string contactId, [AliasAs("page_size")] int pageSize, [AliasAs("page_token")] string? pageToken, CancellationToken cancellationToken);
}
