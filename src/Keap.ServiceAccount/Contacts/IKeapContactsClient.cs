namespace Keap.ServiceAccount;

/// <summary>Keap v2 contacts, as the application. Thread-safe; inject it where needed.</summary>
public interface IKeapContactsClient
{
    /// <summary>Creates a contact. Not retried blindly on failure; prefer <see cref="UpsertByEmailAsync"/> when the email is known.</summary>
    /// <param name="contact">What to store.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The created contact.</returns>
    /// <exception cref="KeapApiException">Keap refused the call.</exception>
    Task<KeapContact> CreateAsync(KeapContactInput contact, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates the contact, or updates the one with the same email (Keap's <c>duplicate_option=Email</c>).
    /// Safe to retry: repeating it never creates a second contact.
    /// </summary>
    /// <param name="contact">What to store; <see cref="KeapContactInput.Email"/> is required.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The contact and whether it was created.</returns>
    /// <exception cref="KeapApiException">Keap refused the call.</exception>
    Task<KeapContactUpsertResult> UpsertByEmailAsync(KeapContactInput contact, CancellationToken cancellationToken = default);

    /// <summary>Reads a contact.</summary>
    /// <param name="contactId">The contact's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The contact, or <see langword="null"/> when Keap has none with that id.</returns>
    /// <exception cref="KeapApiException">Keap refused the call.</exception>
    Task<KeapContact?> GetAsync(string contactId, CancellationToken cancellationToken = default);

    /// <summary>Finds the contact with an email address.</summary>
    /// <param name="email">The email address.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The first matching contact, or <see langword="null"/>.</returns>
    /// <exception cref="KeapApiException">Keap refused the call.</exception>
    Task<KeapContact?> FindByEmailAsync(string email, CancellationToken cancellationToken = default);

    /// <summary>Updates the fields of a contact that <paramref name="changes"/> sets; the others are left alone.</summary>
    /// <param name="contactId">The contact's id.</param>
    /// <param name="changes">The fields to change.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The updated contact.</returns>
    /// <exception cref="KeapApiException">Keap refused the call.</exception>
    Task<KeapContact> UpdateAsync(string contactId, KeapContactInput changes, CancellationToken cancellationToken = default);

    /// <summary>Deletes a contact.</summary>
    /// <param name="contactId">The contact's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="KeapApiException">Keap refused the call.</exception>
    Task DeleteAsync(string contactId, CancellationToken cancellationToken = default);

    /// <summary>Lists every contact, page after page, following Keap's <c>next_page_token</c>.</summary>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The contacts, fetched lazily a page at a time.</returns>
    /// <exception cref="KeapApiException">Keap refused a page.</exception>
    IAsyncEnumerable<KeapContact> ListAllAsync(CancellationToken cancellationToken = default);
}
