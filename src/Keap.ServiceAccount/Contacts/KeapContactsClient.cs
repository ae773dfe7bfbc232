using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Keap.ServiceAccount.Http;

namespace Keap.ServiceAccount.Contacts;

/// <summary>The contacts client over Keap's v2 contacts endpoints.</summary>
internal sealed class KeapContactsClient(KeapApi<IKeapContactsApi> api) : IKeapContactsClient
{
    public async Task<KeapContact> CreateAsync(KeapContactInput contact, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(contact);
        var created = await api.Create().CreateAsync(ContactWriteDto.From(contact), cancellationToken).ConfigureAwait(false);
        return created.ToContact();
    }

    public async Task<KeapContactUpsertResult> UpsertByEmailAsync(KeapContactInput contact, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(contact);
        if (string.IsNullOrWhiteSpace(contact.Email))
        {
            throw new ArgumentException("An upsert by email needs the contact's email.", nameof(contact));
        }

        using var response = await api.Create().UpsertAsync(ContactWriteDto.From(contact), "Email", repeatable: true, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw await KeapApiErrors.CreateAsync(response, cancellationToken).ConfigureAwait(false);
        }

        ContactDto? dto;
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            try
            {
                dto = await JsonSerializer.DeserializeAsync(stream, KeapJsonContext.Default.ContactDto, cancellationToken).ConfigureAwait(false);
            }
            catch (JsonException e)
            {
                throw await KeapApiErrors.FromUnreadableBody(response, e).ConfigureAwait(false) ?? e;
            }
        }

        return new KeapContactUpsertResult(
            (dto ?? throw new KeapApiException("Keap returned an empty contact.")).ToContact(),
            response.StatusCode == HttpStatusCode.Created);
    }

    public async Task<KeapContact?> GetAsync(string contactId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(contactId);
        try
        {
            var contact = await api.Create().GetAsync(contactId, cancellationToken).ConfigureAwait(false);
            return contact.ToContact();
        }
        catch (KeapApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<KeapContact?> FindByEmailAsync(string email, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(email);
        var page = await api.Create().ListAsync(KeapFilter.Is("email", email), 1, null, cancellationToken).ConfigureAwait(false);
        return page.Contacts?.FirstOrDefault()?.ToContact();
    }

    public async Task<KeapContact> UpdateAsync(string contactId, KeapContactInput changes, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(contactId);
        ArgumentNullException.ThrowIfNull(changes);
        var body = ContactWriteDto.From(changes);
        var updated = await api.Create().UpdateAsync(contactId, body, body.UpdateMask(), cancellationToken).ConfigureAwait(false);
        return updated.ToContact();
    }

    public Task DeleteAsync(string contactId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(contactId);
        return api.Create().DeleteAsync(contactId, cancellationToken);
    }

    public async IAsyncEnumerable<KeapContact> ListAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var contacts = KeapPages.EnumerateAsync(
            (pageToken, ct) => api.Create().ListAsync(null, KeapFilter.MaxPageSize, pageToken, ct),
            page => page.Contacts,
            page => page.NextPageToken,
            cancellationToken);
        await foreach (var contact in contacts.ConfigureAwait(false))
        {
            yield return contact.ToContact();
        }
    }
}
