namespace Keap.ServiceAccount;

/// <summary>Keap v2 tags, as the application. Thread-safe; inject it where needed.</summary>
public interface IKeapTagsClient
{
    /// <summary>Lists every tag, page after page.</summary>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The tags, fetched lazily a page at a time.</returns>
    /// <exception cref="KeapApiException">Keap refused a page, or sent a page with items under a page token it had already given (or two empty pages in a row with new tokens), so the list would not end. An empty page that hands back a token already given ends the list quietly.</exception>
    IAsyncEnumerable<KeapTag> ListAllAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Finds the tag Keap holds under <paramref name="name"/>: the one with the exact name, else one whose name differs
    /// only in case (Keap treats those as the same name). Through Keap's name filter, or, for a name the filter syntax
    /// cannot carry (containing <c>;</c> <c>,</c> <c>*</c> <c>=</c> <c>&lt;</c> <c>&gt;</c> <c>!</c>, the word
    /// <c>NONE</c>, or surrounding white space), by paging through every tag and matching locally.
    /// </summary>
    /// <param name="name">The tag's name; any name <see cref="CreateAsync"/> accepts.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The tag, or <see langword="null"/>.</returns>
    /// <exception cref="KeapApiException">Keap refused the call, or its list of matching tags did not end.</exception>
    Task<KeapTag?> FindByNameAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Creates a tag.</summary>
    /// <param name="name">The tag's name.</param>
    /// <param name="description">An optional description.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The created tag.</returns>
    /// <exception cref="KeapApiException">Keap refused the call.</exception>
    Task<KeapTag> CreateAsync(string name, string? description = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Returns the id of the tag named <paramref name="name"/>, creating the tag if Keap has none. The lookup is
    /// <see cref="FindByNameAsync"/>'s (exact case preferred, else a name differing only in case); when the create
    /// still answers 409 (another process created it, or the name filter missed a case variant), every tag is read
    /// and the existing one's id returned, never the 409. The id is cached, and concurrent first calls create the tag
    /// once. The shared lookup stops when every caller waiting for it has been cancelled.
    /// </summary>
    /// <param name="name">The tag's name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The tag's id.</returns>
    /// <exception cref="KeapApiException">Keap refused the call, or a list of tags did not end.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    Task<string> GetOrCreateIdAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies a tag to contacts, in batches of <see cref="KeapTagOptions.BatchSize"/>, and reports what
    /// Keap did for each contact (tagged, already had it, not found, other) and which batch carried it. When
    /// <paramref name="tagId"/> came from <see cref="GetOrCreateIdAsync"/> and Keap answers 404 (the tag was deleted),
    /// the cached id is forgotten, the tag is looked up (or created) by its name once more and the call goes on with
    /// that id (<see cref="KeapTagResults.TagId"/>).
    /// </summary>
    /// <param name="tagId">The tag's id.</param>
    /// <param name="contactIds">The contacts' ids; repeated ids are sent once.</param>
    /// <param name="cancellationToken">Cancels the remaining batches.</param>
    /// <returns>One result per distinct contact id, in the order given.</returns>
    /// <exception cref="KeapApiException">Keap refused a batch; the batches before it were applied, so repeating the call is safe.</exception>
    Task<KeapTagResults> ApplyAsync(string tagId, IEnumerable<string> contactIds, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes a tag from contacts, in batches of <see cref="KeapTagOptions.BatchSize"/>. Keap answers
    /// removeTags with 204 and no per-contact detail, so every contact of an accepted batch is reported
    /// <see cref="KeapTagOutcome.Succeeded"/>. A 404 on a cached tag id is handled as in <see cref="ApplyAsync"/>.
    /// </summary>
    /// <param name="tagId">The tag's id.</param>
    /// <param name="contactIds">The contacts' ids; repeated ids are sent once.</param>
    /// <param name="cancellationToken">Cancels the remaining batches.</param>
    /// <returns>One result per distinct contact id, in the order given.</returns>
    /// <exception cref="KeapApiException">Keap refused a batch; the batches before it were applied.</exception>
    Task<KeapTagResults> RemoveAsync(string tagId, IEnumerable<string> contactIds, CancellationToken cancellationToken = default);

    /// <summary>Lists the tags applied to a contact.</summary>
    /// <param name="contactId">The contact's id.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The contact's tags.</returns>
    /// <exception cref="KeapApiException">Keap refused a page, or sent a page with items under a page token it had already given (or two empty pages in a row with new tokens), so the list would not end. An empty page that hands back a token already given ends the list quietly.</exception>
    IAsyncEnumerable<KeapTag> ListForContactAsync(string contactId, CancellationToken cancellationToken = default);
}
