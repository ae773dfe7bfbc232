namespace Keap.ServiceAccount.Http;

/// <summary>
/// Marks the typed clients put on a request (<see cref="HttpRequestMessage.Options"/>) for the handlers to read,
/// so HTTP decisions follow what the operation means rather than how its URL happens to look.
/// </summary>
internal static class KeapRequestMarks
{
    /// <summary>The option's name, for Refit's <c>[Property]</c> parameters.</summary>
    public const string RepeatableKey = "Keap.ServiceAccount.Repeatable";

    /// <summary>
    /// Whether sending the request again after it may have been applied changes nothing (an upsert, applying a tag).
    /// Without the mark, a POST or PATCH is assumed not to be; other methods are idempotent by HTTP's definition.
    /// </summary>
    public static readonly HttpRequestOptionsKey<bool> Repeatable = new(RepeatableKey);
}
