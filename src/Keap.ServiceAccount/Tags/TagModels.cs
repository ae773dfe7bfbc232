namespace Keap.ServiceAccount.Tags;

/// <summary>A tag as Keap returns it.</summary>
internal sealed class TagDto
{
    public string? Id { get; set; }

    public string? Name { get; set; }

    public string? Description { get; set; }

    public KeapTag ToTag() => new()
    {
        Id = Id ?? throw new KeapApiException("Keap returned a tag without an id."),
        Name = Name ?? string.Empty,
        Description = Description,
    };
}

/// <summary>The body of a tag creation.</summary>
internal sealed class TagWriteDto
{
    public required string Name { get; set; }

    public string? Description { get; set; }
}

/// <summary>A page of tags.</summary>
internal sealed class TagListDto
{
    public List<TagDto>? Tags { get; set; }

    public string? NextPageToken { get; set; }
}

/// <summary>A page of the tags applied to a contact.</summary>
internal sealed class ContactTagListDto
{
    public List<AppliedTagDto>? Tags { get; set; }

    public string? NextPageToken { get; set; }
}

/// <summary>A tag with the time it was applied.</summary>
internal sealed class AppliedTagDto
{
    public TagDto? Tag { get; set; }
}

/// <summary>The body of applyTags / removeTags.</summary>
internal sealed class ContactIdsDto
{
    public required IReadOnlyList<string> ContactIds { get; set; }
}

/// <summary>The applyTags reply: Keap's outcome word per contact id.</summary>
internal sealed class ApplyTagsDto
{
    public Dictionary<string, string>? Results { get; set; }
}
