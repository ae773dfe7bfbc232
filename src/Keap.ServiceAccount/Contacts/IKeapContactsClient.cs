namespace Keap.ServiceAccount;

/// <summary>Keap v2 contacts and email opt-in, as the application. Thread-safe; inject it where needed.</summary>
public interface IKeapContactsClient
{
    /// <summary>
    /// Creates a contact. Not retried blindly on failure; prefer <see cref="UpsertByEmailAsync"/> when the email is known.
    /// Keap wants at least one email address, phone number or address.
    /// </summary>
    /// <param name="contact">What to store; custom fields by label are resolved through <see cref="GetModelAsync"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The created contact.</returns>
    /// <exception cref="ArgumentException">A custom field label or id is unknown (or a label two fields share), or a value does not fit the field's type, an <c>EmailOptInReason</c> without <c>Email</c>, two items (or custom field values) for one slot, or an additional property that names a modelled one.</exception>
    /// <exception cref="KeapApiException">Keap refused the call.</exception>
    Task<KeapContact> CreateAsync(KeapContactInput contact, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates the contact, or updates the one with the same email (Keap's <c>duplicate_option=Email</c>). Safe to retry:
    /// repeating it never creates a second contact. The package itself repeats it after a 5xx or no answer, except when
    /// it carries <see cref="KeapContactInput.UtmParameters"/> (Keap adds a UTM touch on every such write) or
    /// <see cref="KeapContactInput.AdditionalProperties"/>: a write that adds something each time is sent once. Set <see cref="KeapContactInput.EmailOptInReason"/> when the person
    /// agreed to marketing email. With <see cref="KeapArrayUpdate.Merge"/> (the default) and any array set, the existing
    /// contact's arrays are read first (one more request) so that, for example, its <c>EMAIL2</c> is kept.
    /// </summary>
    /// <param name="contact">What to store; <see cref="KeapContactInput.Email"/> (or an address in <see cref="KeapContactInput.EmailAddresses"/>) is required.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The contact and whether it was created.</returns>
    /// <exception cref="ArgumentException">No email, an unknown custom field (or a label two fields share), a value of the wrong type, or an array item without its slot in merge mode, an <c>EmailOptInReason</c> without <c>Email</c>, two items (or custom field values) for one slot, or an additional property that names a modelled one.</exception>
    /// <exception cref="KeapApiException">Keap refused the call.</exception>
    Task<KeapContactUpsertResult> UpsertByEmailAsync(KeapContactInput contact, CancellationToken cancellationToken = default);

    /// <summary>Reads a contact.</summary>
    /// <param name="contactId">The contact's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The contact, or <see langword="null"/> when Keap has none with that id (Keap's 404 with its JSON error body).</returns>
    /// <exception cref="KeapApiException">Keap refused the call, or a 404 came without Keap's error body (a proxy's page, a wrong <c>ApiBaseAddress</c>: the message says to check it).</exception>
    Task<KeapContact?> GetAsync(string contactId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Finds the contact with an email address. Keap allows several contacts to share an address; then this returns the
    /// oldest, the one with the lowest id, whatever order Keap lists them in, so repeated calls agree. Use
    /// <see cref="FindAllByEmailAsync"/> to see them all.
    /// </summary>
    /// <param name="email">The email address, in any of a contact's email slots.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The contact with the lowest id among those with the address, or <see langword="null"/> when none has it.</returns>
    /// <exception cref="ArgumentException">The address contains <c>;</c>, which Keap's filter syntax cannot carry.</exception>
    /// <exception cref="KeapApiException">Keap refused the call.</exception>
    Task<KeapContact?> FindByEmailAsync(string email, CancellationToken cancellationToken = default);

    /// <summary>
    /// Finds every contact with an email address (Keap allows duplicates), reading every page of Keap's answer. Keap's
    /// filter does the matching; when the address holds a character of that filter's syntax (<c>*</c> is a prefix
    /// wildcard there), only the contacts listing the address itself, compared ignoring case, are kept.
    /// </summary>
    /// <param name="email">The email address, in any of a contact's email slots.</param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    /// <returns>The contacts, oldest (lowest id) first; empty when none has the address.</returns>
    /// <exception cref="ArgumentException">The address contains <c>;</c>, which Keap's filter syntax cannot carry.</exception>
    /// <exception cref="KeapApiException">Keap refused a page, or its pages would not end.</exception>
    Task<IReadOnlyList<KeapContact>> FindAllByEmailAsync(string email, CancellationToken cancellationToken = default);

    /// <summary>
    /// Changes only the fields <paramref name="changes"/> sets: they are named in <c>update_mask</c> (repeated once per
    /// name, the spec's query array) and the others are left alone. Arrays follow <see cref="KeapContactInput.ArrayUpdate"/>:
    /// merged by slot into the stored ones by default (the stored arrays are read first, one more request), or replaced whole.
    /// </summary>
    /// <param name="contactId">The contact's id.</param>
    /// <param name="changes">The fields to change.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The updated contact.</returns>
    /// <exception cref="ArgumentException">Nothing to change, an unknown custom field (or a label two fields share), a value of the wrong type, or an array item without its slot in merge mode, an <c>EmailOptInReason</c> without <c>Email</c>, two items (or custom field values) for one slot, or an additional property that names a modelled one.</exception>
    /// <exception cref="KeapApiException">Keap refused the call (404 when the contact does not exist).</exception>
    Task<KeapContact> UpdateAsync(string contactId, KeapContactInput changes, CancellationToken cancellationToken = default);

    /// <summary>Deletes a contact.</summary>
    /// <param name="contactId">The contact's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="KeapApiException">Keap refused the call.</exception>
    Task DeleteAsync(string contactId, CancellationToken cancellationToken = default);

    /// <summary>Lists every contact, page after page, following Keap's <c>next_page_token</c>.</summary>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The contacts, fetched lazily a page at a time.</returns>
    /// <exception cref="KeapApiException">Keap refused a page, or sent a page with items under a page token it had already given (or two empty pages in a row with new tokens), so the list would not end. An empty page that hands back a token already given ends the list quietly.</exception>
    IAsyncEnumerable<KeapContact> ListAllAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Incremental sync: the contacts changed at or after <paramref name="since"/> (Keap's <c>start_update_time</c>
    /// filter), oldest change first (<c>order_by=update_time asc</c>), a page at a time. Store each page's
    /// <see cref="KeapContactPage.NextPageToken"/> once the page is processed and pass it back as
    /// <paramref name="pageToken"/> (with the same <paramref name="since"/>) to resume after a restart; when a page comes
    /// without a token the sync is complete, and the latest <see cref="KeapContact.UpdateTime"/> seen is the next run's
    /// <paramref name="since"/>.
    /// </summary>
    /// <param name="since">The earliest change to include (sent as UTC with milliseconds).</param>
    /// <param name="pageToken">A token kept from an earlier run, or <see langword="null"/> to start at the first page.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The pages, fetched lazily.</returns>
    /// <exception cref="KeapApiException">Keap refused a page, or sent a page with items under a page token it had already given (or two empty pages in a row with new tokens). An empty page that hands back a token already given ends the list quietly (its <see cref="KeapContactPage.NextPageToken"/> is <see langword="null"/>).</exception>
    IAsyncEnumerable<KeapContactPage> ListChangedSinceAsync(DateTimeOffset since, string? pageToken = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// The account's contact model (<c>GET /v2/contacts/model</c>): its custom fields with their ids, labels, types and
    /// options. Cached for 15 minutes per process; a write whose custom field value the cached model refuses (a label
    /// or id it lacks, a label two fields share, a type or option mismatch) reads it again once before refusing.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The model.</returns>
    /// <exception cref="KeapApiException">Keap refused the call.</exception>
    Task<KeapContactModel> GetModelAsync(CancellationToken cancellationToken = default);

    /// <summary>Reads an email address's opt-in status (<c>GET /v2/emailAddresses/{email}/status</c>).</summary>
    /// <param name="email">The address.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The status, or <see langword="null"/> when Keap does not know the address (Keap's 404 with its JSON error body).</returns>
    /// <exception cref="KeapApiException">Keap refused the call, or a 404 came without Keap's error body (a proxy's page, a wrong <c>ApiBaseAddress</c>: the message says to check it).</exception>
    Task<KeapEmailAddressStatus?> GetEmailStatusAsync(string email, CancellationToken cancellationToken = default);

    /// <summary>
    /// Opts an email address in or out of marketing email (<c>PATCH /v2/emailAddresses/{email}/status</c>). Keap's rule:
    /// an opt-in only takes effect for an address that is Unengaged Marketable, Unengaged Non-Marketable, Non-Marketable
    /// or Opt-Out: Manual (<see cref="KeapEmailStatus.CanBeOptedInByApi"/>); an address that opted out any other way
    /// (unsubscribed, spam report, bounce, opted out by an administrator or by Keap) stays as it is. Read the returned
    /// <see cref="KeapEmailAddressStatus.OptedIn"/> to know the outcome.
    /// </summary>
    /// <param name="email">The address.</param>
    /// <param name="optedIn"><see langword="true"/> to opt in, <see langword="false"/> to opt out.</param>
    /// <param name="reason">Why, for compliance, for example <c>"Customer opted in through the web form"</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The status after the change.</returns>
    /// <exception cref="KeapApiException">Keap refused the call (404 when it does not know the address).</exception>
    Task<KeapEmailAddressStatus> SetEmailOptInAsync(string email, bool optedIn, string reason, CancellationToken cancellationToken = default);
}
