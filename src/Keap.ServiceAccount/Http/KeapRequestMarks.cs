using Refit;

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

    /// <summary>
    /// The clock of the pipeline that sent the request, for reading an answer's <c>Retry-After</c> date outside the
    /// pipeline (<see cref="KeapHttp.EnsureKeapSuccessAsync"/>) on the same clock as the rest of the call.
    /// </summary>
    public static readonly HttpRequestOptionsKey<TimeProvider> Clock = new("Keap.ServiceAccount.Clock");

    private static readonly HttpRequestOptionsKey<RestMethodInfo> RefitMethod = new(HttpRequestMessageOptions.RestMethodInfo);
    private static readonly HttpRequestOptionsKey<Type> RefitInterface = new(HttpRequestMessageOptions.InterfaceType);
    private static readonly HttpRequestOptionsKey<string> RefitMethodName = new(HttpRequestMessageOptions.MethodName);

    /// <summary>
    /// What the sender declared about repeating <paramref name="request"/>: the <see cref="Repeatable"/> option (the
    /// typed clients' mark, or <see cref="KeapHttp.MarkKeapRepeatable(HttpRequestMessage)"/>), else
    /// <see cref="KeapRepeatableAttribute"/> on the Refit method that built it; <see langword="null"/> when nothing
    /// was declared.
    /// </summary>
    public static bool? Declared(HttpRequestMessage request)
    {
        if (request.Options.TryGetValue(Repeatable, out var marked))
        {
            return marked;
        }

        if (request.Options.TryGetValue(RefitMethod, out var method) && method.MethodInfo is { } info)
        {
            return info.IsDefined(typeof(KeapRepeatableAttribute), inherit: false) ? true : null;
        }

        // A client that names only its interface and method: every overload of that name must carry the attribute,
        // since which one was called is unknown, and a guess could repeat a write that adds something.
        if (request.Options.TryGetValue(RefitInterface, out var api) && request.Options.TryGetValue(RefitMethodName, out var name))
        {
            var candidates = api.GetInterfaces().Prepend(api).SelectMany(t => t.GetMethods()).Where(m => m.Name == name).ToList();
            return candidates.Count > 0 && candidates.TrueForAll(m => m.IsDefined(typeof(KeapRepeatableAttribute), inherit: false)) ? true : null;
        }

        return null;
    }
}
