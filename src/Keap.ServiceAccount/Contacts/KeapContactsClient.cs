using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Keap.ServiceAccount.Http;

namespace Keap.ServiceAccount.Contacts;

/// <summary>The contacts client over Keap's v2 contacts and email address endpoints, with the contact model cached.</summary>
internal sealed class KeapContactsClient(KeapApi<IKeapContactsApi> api, TimeProvider time) : IKeapContactsClient
{
    /// <summary>How long the contact model is trusted; a label or id it lacks refreshes it at once.</summary>
    internal static readonly TimeSpan ModelLifetime = TimeSpan.FromMinutes(15);

    private CachedModel? _model;

    public async Task<KeapContact> CreateAsync(KeapContactInput contact, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(contact);
        ContactWriteDto.Check(contact);
        var body = ContactWriteDto.From(contact, await ResolveCustomFieldsAsync(contact.CustomFields, cancellationToken).ConfigureAwait(false), null);
        return await api.Create().CreateAsync(body, cancellationToken).ConfigureAwait(false);
    }

    public async Task<KeapContactUpsertResult> UpsertByEmailAsync(KeapContactInput contact, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(contact);
        var email = contact.Email
            ?? (contact.EmailAddresses?.FirstOrDefault(e => e.Field == KeapContactInput.PrimaryEmailField) ?? contact.EmailAddresses?.FirstOrDefault(e => e.Email is not null))?.Email;
        if (string.IsNullOrWhiteSpace(email))
        {
            throw new ArgumentException("An upsert by email needs the contact's email.", nameof(contact));
        }

        ContactWriteDto.Check(contact);

        var customFields = await ResolveCustomFieldsAsync(contact.CustomFields, cancellationToken).ConfigureAwait(false);
        var merge = ContactWriteDto.StoredArraysToMerge(contact);
        var stored = merge.Count == 0
            ? null
            : (await api.Create().ListAsync(KeapFilter.Is("email", email), null, 1, null, merge, cancellationToken).ConfigureAwait(false)).Contacts?.FirstOrDefault();
        var body = ContactWriteDto.From(contact, customFields, stored);
        using var response = await api.Create().UpsertAsync(body, "Email", body.IsRepeatable(), cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw await KeapApiErrors.CreateAsync(response, time, cancellationToken).ConfigureAwait(false);
        }

        KeapContact? created;
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            try
            {
                created = await JsonSerializer.DeserializeAsync(stream, ContactsJsonContext.Default.KeapContact, cancellationToken).ConfigureAwait(false);
            }
            catch (JsonException e)
            {
                throw await KeapApiErrors.FromUnreadableBody(response, e).ConfigureAwait(false) ?? e;
            }
        }

        return new KeapContactUpsertResult
        {
            Contact = created ?? throw new KeapApiException("Keap returned an empty contact."),
            Created = response.StatusCode == HttpStatusCode.Created,
        };
    }

    public async Task<KeapContact?> GetAsync(string contactId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(contactId);
        try
        {
            return await api.Create().GetAsync(contactId, null, cancellationToken).ConfigureAwait(false);
        }
        catch (KeapApiException e) when (e.IsKeapNotFound)
        {
            return null;
        }
    }

    // Keap allows duplicates and promises no order: all of them are read so the answer is always the same one.
    public async Task<KeapContact?> FindByEmailAsync(string email, CancellationToken cancellationToken = default) =>
        (await FindAllByEmailAsync(email, cancellationToken).ConfigureAwait(false)) is [var oldest, ..] ? oldest : null;

    public async Task<IReadOnlyList<KeapContact>> FindAllByEmailAsync(string email, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(email);
        var filter = KeapFilter.Is("email", email);
        var exact = KeapFilter.CanCarry(email);
        var found = new List<KeapContact>();
        var pages = KeapPages.EnumerateAsync(
            (pageToken, ct) => api.Create().ListAsync(filter, null, KeapFilter.MaxPageSize, pageToken, null, ct),
            page => page.Contacts,
            page => page.NextPageToken,
            cancellationToken);
        await foreach (var contact in pages.ConfigureAwait(false))
        {
            // A wildcard or other filter syntax in the address widens Keap's match: keep only the address itself.
            if (exact || contact.EmailAddresses.Any(e => string.Equals(e.Email, email, StringComparison.OrdinalIgnoreCase)))
            {
                found.Add(contact);
            }
        }

        found.Sort((a, b) => CompareIds(a.Id, b.Id));
        return found;
    }

    public async Task<KeapContact> UpdateAsync(string contactId, KeapContactInput changes, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(contactId);
        ArgumentNullException.ThrowIfNull(changes);
        ContactWriteDto.Check(changes);
        var customFields = await ResolveCustomFieldsAsync(changes.CustomFields, cancellationToken).ConfigureAwait(false);
        var merge = ContactWriteDto.StoredArraysToMerge(changes);
        var stored = merge.Count == 0 ? null : await api.Create().GetAsync(contactId, merge, cancellationToken).ConfigureAwait(false);
        var body = ContactWriteDto.From(changes, customFields, stored);
        var mask = body.UpdateMask();
        if (mask.Count == 0)
        {
            throw new ArgumentException("The changes set no field.", nameof(changes));
        }

        return await api.Create().UpdateAsync(contactId, body, mask, body.IsRepeatable(), cancellationToken).ConfigureAwait(false);
    }

    public Task DeleteAsync(string contactId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(contactId);
        return api.Create().DeleteAsync(contactId, cancellationToken);
    }

    public IAsyncEnumerable<KeapContact> ListAllAsync(CancellationToken cancellationToken = default) =>
        KeapPages.EnumerateAsync(
            (pageToken, ct) => api.Create().ListAsync(null, null, KeapFilter.MaxPageSize, pageToken, null, ct),
            page => page.Contacts,
            page => page.NextPageToken,
            cancellationToken);

    public async IAsyncEnumerable<KeapContactPage> ListChangedSinceAsync(
        DateTimeOffset since, string? pageToken = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Keap's filter wants a full ISO 8601 time with milliseconds; oldest change first, so a page token resumes in order.
        var filter = KeapFilter.Is("start_update_time", KeapTimeConverter.ToText(since));
        var pages = KeapPages.PagesAsync(
            (token, ct) => api.Create().ListAsync(filter, "update_time asc", KeapFilter.MaxPageSize, token, null, ct),
            page => page.Contacts,
            page => page.NextPageToken,
            pageToken,
            cancellationToken);
        await foreach (var page in pages.ConfigureAwait(false))
        {
            yield return new KeapContactPage { Contacts = page.Items, NextPageToken = page.NextPageToken };
        }
    }

    public async Task<KeapContactModel> GetModelAsync(CancellationToken cancellationToken = default)
    {
        var cached = _model;
        return cached is not null && time.GetUtcNow() - cached.FetchedAt < ModelLifetime
            ? cached.Model
            : await FetchModelAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<KeapEmailAddressStatus?> GetEmailStatusAsync(string email, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(email);
        try
        {
            return await api.Create().GetEmailStatusAsync(email, cancellationToken).ConfigureAwait(false);
        }
        catch (KeapApiException e) when (e.IsKeapNotFound)
        {
            return null;
        }
    }

    public Task<KeapEmailAddressStatus> SetEmailOptInAsync(string email, bool optedIn, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(email);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return api.Create().UpdateEmailStatusAsync(email, new EmailStatusWriteDto { OptedIn = optedIn, Reason = reason }, repeatable: true, cancellationToken);
    }

    private async Task<KeapContactModel> FetchModelAsync(CancellationToken cancellationToken)
    {
        var model = await api.Create().GetModelAsync(cancellationToken).ConfigureAwait(false);
        _model = new CachedModel(model, time.GetUtcNow());
        return model;
    }

    /// <summary>
    /// Resolves labels to ids and checks each value's type and options. When the model refuses a value (a label or id
    /// it lacks, a label two fields share, a type or option mismatch), it is read again once before the refusal stands:
    /// an administrator may have changed the fields in Keap since it was cached.
    /// </summary>
    private async Task<List<KeapCustomFieldValue>?> ResolveCustomFieldsAsync(KeapCustomFieldValues values, CancellationToken cancellationToken)
    {
        if (values.Count == 0)
        {
            return null;
        }

        List<KeapCustomFieldValue> resolved;
        try
        {
            resolved = Resolve(await GetModelAsync(cancellationToken).ConfigureAwait(false), values);
        }
        catch (ArgumentException)
        {
            resolved = Resolve(await FetchModelAsync(cancellationToken).ConfigureAwait(false), values);
        }

        // A label (in any case) and an id can name the same field.
        ContactWriteDto.CheckSlots(resolved, v => v.Id, "custom field with id");
        return resolved;
    }

    private static List<KeapCustomFieldValue> Resolve(KeapContactModel model, KeapCustomFieldValues values) => [.. values.Entries.Select(e =>
    {
        var field = (e.Label is { } label ? model.FindByLabel(label) : model.FindById(e.Id!))
            ?? throw (e.Label is { } missing ? model.UnknownLabel(missing) : model.UnknownId(e.Id!));
        return new KeapCustomFieldValue { Id = field.Id, Content = CustomFieldContent.Write(field, e.Value) };
    })];

    /// <summary>Keap's ids are increasing integers sent as strings: compared as numbers, so "3" comes before "20".</summary>
    private static int CompareIds(string a, string b)
    {
        if (!IsNumber(a) || !IsNumber(b))
        {
            return string.CompareOrdinal(a, b);
        }

        var (x, y) = (a.TrimStart('0'), b.TrimStart('0'));
        return x.Length != y.Length ? x.Length.CompareTo(y.Length) : string.CompareOrdinal(x, y);

        static bool IsNumber(string id) => id.Length > 0 && id.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0;
    }

    private sealed record CachedModel(KeapContactModel Model, DateTimeOffset FetchedAt);
}
