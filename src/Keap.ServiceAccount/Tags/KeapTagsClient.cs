using System.Collections.Concurrent;
using System.Net;
using System.Runtime.CompilerServices;
using Keap.ServiceAccount.Http;
using Microsoft.Extensions.Options;

namespace Keap.ServiceAccount.Tags;

/// <summary>The tags client over Keap's v2 tags endpoints, with a per-process cache of tag ids by name.</summary>
internal sealed class KeapTagsClient(KeapApi<IKeapTagsApi> api, IOptions<KeapServiceAccountOptions> options) : IKeapTagsClient
{
    // One lookup-or-create per name (single flight); a failed or abandoned one is removed so the next call tries again.
    private readonly ConcurrentDictionary<string, SingleFlight<string>> _ids = new(StringComparer.Ordinal);

    // The names of cached ids Keap answered 404 for (deleted tags), so every caller still holding such an id, not
    // only the first to hit the 404, is sent to the name's current id. One entry per deleted tag.
    private readonly ConcurrentDictionary<string, string> _deleted = new(StringComparer.Ordinal);

    public async IAsyncEnumerable<KeapTag> ListAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var tag in ListAsync(null, cancellationToken).ConfigureAwait(false))
        {
            yield return tag.ToTag();
        }
    }

    public Task<KeapTag?> FindByNameAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return FindAsync(name, everyTag: !KeapFilter.CanCarry(name), cancellationToken);
    }

    public async Task<KeapTag> CreateAsync(string name, string? description = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var created = await api.Create().CreateAsync(new TagWriteDto { Name = name, Description = description }, cancellationToken).ConfigureAwait(false);
        return created.ToTag();
    }

    public async Task<string> GetOrCreateIdAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var flight = _ids.GetOrAdd(name, n => new SingleFlight<string>((self, ct) => FindOrCreateIdAsync(n, self, ct)));

            // The shared lookup runs until every caller waiting for it has given up; each caller stops waiting on its own token.
            if (flight.TryJoin(cancellationToken) is { } id)
            {
                return await id.ConfigureAwait(false);
            }

            // Everyone waiting for that lookup gave up and it was cancelled: start a fresh one.
            _ids.TryRemove(KeyValuePair.Create(name, flight));
        }
    }

    public Task<KeapTagResults> ApplyAsync(string tagId, IEnumerable<string> contactIds, CancellationToken cancellationToken = default) =>
        InBatchesAsync(tagId, contactIds, async (id, body, ct) => (await api.Create().ApplyAsync(id, body, repeatable: true, ct).ConfigureAwait(false)).Results ?? [], cancellationToken);

    public Task<KeapTagResults> RemoveAsync(string tagId, IEnumerable<string> contactIds, CancellationToken cancellationToken = default) =>
        InBatchesAsync(
            tagId,
            contactIds,
            async (id, body, ct) =>
            {
                // Keap's removeTags answers 204 with no per-contact detail.
                await api.Create().RemoveAsync(id, body, repeatable: true, ct).ConfigureAwait(false);
                return null;
            },
            cancellationToken);

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

    private static KeapTagResult ToResult(string contactId, IReadOnlyDictionary<string, string>? outcomes)
    {
        if (outcomes is null)
        {
            return new KeapTagResult { ContactId = contactId, Outcome = KeapTagOutcome.Succeeded };
        }

        var word = outcomes.GetValueOrDefault(contactId);
        var outcome = word?.ToUpperInvariant() switch
        {
            "SUCCESS" => KeapTagOutcome.Succeeded,
            "DUPLICATE" => KeapTagOutcome.Unchanged,
            "NOT_FOUND" => KeapTagOutcome.NotFound,
            _ => KeapTagOutcome.Other,
        };
        return new KeapTagResult { ContactId = contactId, Outcome = outcome, KeapOutcome = word };
    }

    private async Task<string> FindOrCreateIdAsync(string name, SingleFlight<string> flight, CancellationToken cancellationToken)
    {
        try
        {
            return await FindOrCreateIdOnceAsync(name, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _ids.TryRemove(KeyValuePair.Create(name, flight));
            throw;
        }
    }

    private async Task<string> FindOrCreateIdOnceAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var found = await FindByNameAsync(name, cancellationToken).ConfigureAwait(false);
            if (found is not null)
            {
                return found.Id;
            }

            return (await CreateAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false)).Id;
        }
        catch (KeapApiException e) when (e.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.BadRequest)
        {
            // Another process created it between our lookup and our create, or Keap holds it in another case that its
            // name filter did not match: look through every tag, matching as Keap's uniqueness does, and use that one.
            var existing = await FindAsync(name, everyTag: true, cancellationToken).ConfigureAwait(false);
            if (existing is null)
            {
                throw;
            }

            return existing.Id;
        }
    }

    /// <summary>
    /// The tag Keap holds under <paramref name="name"/>: the exact name when there is one, else the first that differs
    /// only in case (Keap refuses a second tag whose name differs only in case). Through Keap's name filter, or through
    /// every tag when <paramref name="everyTag"/> (a name the filter syntax cannot carry, or a filter that missed it).
    /// </summary>
    private async Task<KeapTag?> FindAsync(string name, bool everyTag, CancellationToken cancellationToken)
    {
        TagDto? otherCase = null;
        var tags = ListAsync(everyTag ? null : KeapFilter.Is("name", name), cancellationToken);
        await foreach (var tag in tags.ConfigureAwait(false))
        {
            // The filter is an equality match, but compare again so a looser server match never picks the wrong tag.
            if (string.Equals(tag.Name, name, StringComparison.Ordinal))
            {
                return tag.ToTag();
            }

            if (otherCase is null && string.Equals(tag.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                otherCase = tag;
            }
        }

        return otherCase?.ToTag();
    }

    /// <summary>Forgets the cached name of <paramref name="tagId"/>, if one resolved to it, and remembers it as deleted.</summary>
    /// <returns>The name, or <see langword="null"/> when the id was never cached.</returns>
    private string? Evict(string tagId)
    {
        foreach (var (name, flight) in _ids)
        {
            if (flight.Completion is { IsCompletedSuccessfully: true } task && string.Equals(task.Result, tagId, StringComparison.Ordinal)
                && _ids.TryRemove(KeyValuePair.Create(name, flight)))
            {
                _deleted[tagId] = name;
                return name;
            }
        }

        return _deleted.GetValueOrDefault(tagId);
    }

    private IAsyncEnumerable<TagDto> ListAsync(string? filter, CancellationToken cancellationToken) => KeapPages.EnumerateAsync(
        (pageToken, ct) => api.Create().ListAsync(filter, KeapFilter.MaxPageSize, pageToken, ct),
        page => page.Tags,
        page => page.NextPageToken,
        cancellationToken);

    private async Task<KeapTagResults> InBatchesAsync(
        string tagId,
        IEnumerable<string> contactIds,
        Func<string, ContactIdsDto, CancellationToken, Task<Dictionary<string, string>?>> send,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tagId);
        ArgumentNullException.ThrowIfNull(contactIds);
        var results = new List<KeapTagResult>();
        var lookedUpAgain = false;

        // Keap declares contact_ids unique; duplicates would only waste batch room.
        foreach (var ids in contactIds.Distinct(StringComparer.Ordinal).Chunk(options.Value.Tags.BatchSize))
        {
            var body = new ContactIdsDto { ContactIds = ids };
            Dictionary<string, string>? outcomes;
            try
            {
                outcomes = await send(tagId, body, cancellationToken).ConfigureAwait(false);
            }
            catch (KeapApiException e) when (e.IsKeapNotFound && !lookedUpAgain && Evict(tagId) is { } name)
            {
                // A cached id whose tag was deleted in Keap: look the name up (or create it) once more and carry on with that id.
                lookedUpAgain = true;
                tagId = await GetOrCreateIdAsync(name, cancellationToken).ConfigureAwait(false);
                outcomes = await send(tagId, body, cancellationToken).ConfigureAwait(false);
            }

            results.AddRange(ids.Select(id => ToResult(id, outcomes)));
        }

        return new KeapTagResults(tagId, results);
    }
}
