namespace Keap.ServiceAccount;

/// <summary>A Keap tag.</summary>
public sealed class KeapTag
{
    /// <summary>Keap's id of the tag.</summary>
    public required string Id { get; init; }

    /// <summary>The tag's name.</summary>
    public required string Name { get; init; }

    /// <summary>The description, if any.</summary>
    public string? Description { get; init; }
}
