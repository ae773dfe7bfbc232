namespace Keap.ServiceAccount;

/// <summary>What Keap did for one contact of an apply or remove call.</summary>
public enum KeapTagOutcome
{
    /// <summary>
    /// Done: applyTags answered <c>SUCCESS</c> (the contact now has the tag), or removeTags accepted the batch
    /// (Keap answers removeTags with 204 and no per-contact detail).
    /// </summary>
    Succeeded,

    /// <summary>Nothing changed: applyTags answered <c>DUPLICATE</c> (the contact already had the tag).</summary>
    Unchanged,

    /// <summary>Keap has no contact with that id (<c>NOT_FOUND</c>), for example because it was deleted.</summary>
    NotFound,

    /// <summary>Any other answer, or none for this contact; <see cref="KeapTagResult.KeapOutcome"/> holds Keap's word.</summary>
    Other,
}

/// <summary>The outcome for one contact.</summary>
public sealed class KeapTagResult
{
    /// <summary>The contact's id.</summary>
    public required string ContactId { get; init; }

    /// <summary>What happened.</summary>
    public required KeapTagOutcome Outcome { get; init; }

    /// <summary>
    /// Keap's own word for it (<c>SUCCESS</c>, <c>DUPLICATE</c>, <c>NOT_FOUND</c>, …), or <see langword="null"/> when
    /// Keap's answer named no outcome for this contact.
    /// </summary>
    public string? KeapOutcome { get; init; }
}

/// <summary>
/// The per-contact outcomes of <see cref="IKeapTagsClient.ApplyAsync"/> or <see cref="IKeapTagsClient.RemoveAsync"/>,
/// in the order the contacts were given (duplicates removed).
/// </summary>
public sealed class KeapTagResults
{
    /// <summary>Creates the results (the tags client does; test doubles of <see cref="IKeapTagsClient"/> may too).</summary>
    /// <param name="tagId">The id of the tag the calls used.</param>
    /// <param name="results">One result per contact.</param>
    public KeapTagResults(string tagId, IReadOnlyList<KeapTagResult> results)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tagId);
        ArgumentNullException.ThrowIfNull(results);
        TagId = tagId;
        Results = results;
    }

    /// <summary>
    /// The id of the tag the calls used. It differs from the id passed in when that id was cached by
    /// <see cref="IKeapTagsClient.GetOrCreateIdAsync"/>, Keap answered 404 (the tag was deleted) and the tag was looked
    /// up or created again by its name.
    /// </summary>
    public string TagId { get; }

    /// <summary>One result per distinct contact id.</summary>
    public IReadOnlyList<KeapTagResult> Results { get; }

    /// <summary>The ids of the contacts that got the tag (or lost it, for a removal).</summary>
    public IReadOnlyList<string> Succeeded => Ids(KeapTagOutcome.Succeeded);

    /// <summary>The ids of the contacts that already had the tag.</summary>
    public IReadOnlyList<string> Unchanged => Ids(KeapTagOutcome.Unchanged);

    /// <summary>The ids Keap did not find.</summary>
    public IReadOnlyList<string> NotFound => Ids(KeapTagOutcome.NotFound);

    /// <summary>The ids with any other outcome.</summary>
    public IReadOnlyList<string> Other => Ids(KeapTagOutcome.Other);

    /// <summary>Whether every contact now has the tag (for an apply) or had it removed (for a removal), whether or not it changed.</summary>
    public bool AllSucceeded => Results.All(r => r.Outcome is KeapTagOutcome.Succeeded or KeapTagOutcome.Unchanged);

    private string[] Ids(KeapTagOutcome outcome) => [.. Results.Where(r => r.Outcome == outcome).Select(r => r.ContactId)];
}
