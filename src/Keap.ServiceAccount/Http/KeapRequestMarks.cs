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
    /// A request that adds something each time it is applied (a create, a write carrying a UTM touch) is never marked.
    /// </summary>
    public static readonly HttpRequestOptionsKey<bool> Repeatable = new(RepeatableKey);

    /// <summary>
    /// Set while the request waits for its turn under the client-side rate limit; still set when the call's time ran out
    /// there, which means that attempt was never sent.
    /// </summary>
    public static readonly HttpRequestOptionsKey<bool> WaitingForTurn = new("Keap.ServiceAccount.WaitingForTurn");

    /// <summary>
    /// Set when an earlier attempt failed in a way that may have reached Keap (a 5xx, no answer, an attempt timeout), as
    /// opposed to a 429, which Keap refused before doing anything.
    /// </summary>
    public static readonly HttpRequestOptionsKey<bool> MayHaveReachedKeap = new("Keap.ServiceAccount.MayHaveReachedKeap");
}
