namespace Keap.ServiceAccount;

/// <summary>Keap v2 tags, as the application. Thread-safe; inject it where needed.</summary>
public interface IKeapTagsClient
{
    /// <summary>Lists every tag, page after page.</summary>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The tags, fetched lazily a page at a time.</returns>
    /// <exception cref="KeapApiException">Keap refused a page.</exception>
    IAsyncEnumerable<KeapTag> ListAllAsync(CancellationToken cancellationToken = default);

    /// <summary>Finds a tag by its exact name.</summary>
    /// <param name="name">The tag's name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The tag, or <see langword="null"/>.</returns>
    /// <exception cref="KeapApiException">Keap refused the call.</exception>
    Task<KeapTag?> FindByNameAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Creates a tag.</summary>
    /// <param name="name">The tag's name.</param>
    /// <param name="description">An optional description.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The created tag.</returns>
    /// <exception cref="KeapApiException">Keap refused the call.</exception>
    Task<KeapTag> CreateAsync(string name, string? description = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Returns the id of the tag named <paramref name="name"/>, creating the tag if Keap has none. The id is cached,
    /// and concurrent first calls create the tag once.
    /// </summary>
    /// <param name="name">The tag's name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The tag's id.</returns>
    /// <exception cref="KeapApiException">Keap refused the call.</exception>
    Task<string> GetOrCreateIdAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Applies a tag to contacts, in batches of <see cref="KeapServiceAccountOptions.TagBatchSize"/>.</summary>
    /// <param name="tagId">The tag's id.</param>
    /// <param name="contactIds">The contacts' ids.</param>
    /// <param name="cancellationToken">Cancels the remaining batches.</param>
    /// <exception cref="KeapApiException">Keap refused a batch.</exception>
    Task ApplyAsync(string tagId, IEnumerable<string> contactIds, CancellationToken cancellationToken = default);

    /// <summary>Removes a tag from contacts, in batches of <see cref="KeapServiceAccountOptions.TagBatchSize"/>.</summary>
    /// <param name="tagId">The tag's id.</param>
    /// <param name="contactIds">The contacts' ids.</param>
    /// <param name="cancellationToken">Cancels the remaining batches.</param>
    /// <exception cref="KeapApiException">Keap refused a batch.</exception>
    Task RemoveAsync(string tagId, IEnumerable<string> contactIds, CancellationToken cancellationToken = default);

    /// <summary>Lists the tags applied to a contact.</summary>
    /// <param name="contactId">The contact's id.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The contact's tags.</returns>
    /// <exception cref="KeapApiException">Keap refused a page.</exception>
    IAsyncEnumerable<KeapTag> ListForContactAsync(string contactId, CancellationToken cancellationToken = default);
}
