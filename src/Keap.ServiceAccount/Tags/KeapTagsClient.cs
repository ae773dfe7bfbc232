using System.Collections.Concurrent;
using System.Net;
using System.Runtime.CompilerServices;
using Keap.ServiceAccount.Http;
using Microsoft.Extensions.Options;

namespace Keap.ServiceAccount.Tags;

/// <summary>The tags client over Keap's v2 tags endpoints, with a per-process cache of tag ids by name.</summary>
internal sealed class KeapTagsClient(KeapApi<IKeapTagsApi> api, IOptions<KeapServiceAccountOptions> options) : IKeapTagsClient
{
    // One lookup-or-create per name (single flight); a failed one is removed so the next call tries again.
    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _ids = new(StringComparer.Ordinal);

    public async IAsyncEnumerable<KeapTag> ListAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var tag in ListAsync(null, cancellationToken).ConfigureAwait(false))
        {
            yield return tag.ToTag();
        }
    }

    public async Task<KeapTag?> FindByNameAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);

        // The filter is an equality match, but compare again so a looser server match never picks the wrong tag.
        await foreach (var tag in ListAsync(KeapFilter.Is("name", name), cancellationToken).ConfigureAwait(false))
        {
            if (string.Equals(tag.Name, name, StringComparison.Ordinal))
            {
                return tag.ToTag();
            }
        }

        return null;
    }

    public async Task<KeapTag> CreateAsync(string name, string? description = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var created = await api.Create().CreateAsync(new TagWriteDto { Name = name, Description = description }, cancellationToken).ConfigureAwait(false);
        return created.ToTag();
    }

    public Task<string> GetOrCreateIdAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var lookup = _ids.GetOrAdd(name, n => new Lazy<Task<string>>(() => FindOrCreateIdAsync(n)));

        // The shared lookup is not tied to any one caller's cancellation; each caller only stops waiting.
        return lookup.Value.WaitAsync(cancellationToken);
    }

    public Task ApplyAsync(string tagId, IEnumerable<string> contactIds, CancellationToken cancellationToken = default) =>
        InBatchesAsync(tagId, contactIds, (id, body, ct) => api.Create().ApplyAsync(id, body, repeatable: true, ct), cancellationToken);

    public Task RemoveAsync(string tagId, IEnumerable<string> contactIds, CancellationToken cancellationToken = default) =>
        InBatchesAsync(tagId, contactIds, (id, body, ct) => api.Create().RemoveAsync(id, body, repeatable: true, ct), cancellationToken);

    public async IAsyncEnumerable<KeapTag> ListForContactAsync(string contactId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(contactId);
        var applied = KeapPages.EnumerateAsync(
            (pageToken, ct) => api.Create().ListForContactAsync(contactId, KeapFilter.MaxPageSize, pageToken, ct),
            page => page.Tags,
            page => page.NextPageToken,
            cancellationToken);
        await foreach (var tag in applied.ConfigureAwait(false))
        {
            if (tag.Tag is { } t)
            {
                yield return t.ToTag();
            }
        }
    }

    private async Task<string> FindOrCreateIdAsync(string name)
    {
        try
        {
            return await FindOrCreateIdOnceAsync(name).ConfigureAwait(false);
        }
        catch
        {
            _ids.TryRemove(name, out _);
            throw;
        }
    }

    private async Task<string> FindOrCreateIdOnceAsync(string name)
    {
        try
        {
            var found = await FindByNameAsync(name, CancellationToken.None).ConfigureAwait(false);
            if (found is not null)
            {
                return found.Id;
            }

            return (await CreateAsync(name, cancellationToken: CancellationToken.None).ConfigureAwait(false)).Id;
        }
        catch (KeapApiException e) when (e.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.BadRequest)
        {
            // Another process created it between our lookup and our create: use theirs.
            var raced = await FindByNameAsync(name, CancellationToken.None).ConfigureAwait(false);
            if (raced is null)
            {
                throw;
            }

            return raced.Id;
        }
    }

    private IAsyncEnumerable<TagDto> ListAsync(string? filter, CancellationToken cancellationToken) => KeapPages.EnumerateAsync(
        (pageToken, ct) => api.Create().ListAsync(filter, KeapFilter.MaxPageSize, pageToken, ct),
        page => page.Tags,
        page => page.NextPageToken,
        cancellationToken);

    private async Task InBatchesAsync(
        string tagId,
        IEnumerable<string> contactIds,
        Func<string, ContactIdsDto, CancellationToken, Task> send,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tagId);
        ArgumentNullException.ThrowIfNull(contactIds);

        // Keap declares contact_ids unique; duplicates would only waste batch room.
        foreach (var batch in contactIds.Distinct(StringComparer.Ordinal).Chunk(options.Value.TagBatchSize))
        {
            await send(tagId, new ContactIdsDto { ContactIds = batch }, cancellationToken).ConfigureAwait(false);
        }
    }
}
