namespace Keap.ServiceAccount.Http;

/// <summary>Builds Keap v2 <c>filter</c> query values.</summary>
internal static class KeapFilter
{
    /// <summary>The largest <c>page_size</c> Keap accepts.</summary>
    public const int MaxPageSize = 1000;

    // Characters with a meaning in Keap's filter syntax: clause and value separators, operators, the prefix wildcard.
    private static readonly System.Buffers.SearchValues<char> Syntax = System.Buffers.SearchValues.Create(";,*=<>!");

    /// <summary>
    /// Whether <c>field==value</c> finds exactly <paramref name="value"/>: not when it holds a character of the filter
    /// syntax, is Keap's null marker <c>NONE</c>, or has surrounding white space (which a server may trim). Values it
    /// cannot carry are looked up another way (the tags client pages through every tag and matches locally).
    /// </summary>
    public static bool CanCarry(string value) =>
        !value.AsSpan().ContainsAny(Syntax)
        && !string.Equals(value, "NONE", StringComparison.OrdinalIgnoreCase)
        && value.Length == value.AsSpan().Trim().Length;

    /// <summary>
    /// <c>field==value</c>. Refit percent-encodes the whole value; a <c>;</c> would start another clause in Keap's
    /// filter syntax, so a value containing one is refused rather than silently widening the search.
    /// </summary>
    public static string Is(string field, string value)
    {
        if (value.Contains(';', StringComparison.Ordinal))
        {
            throw new ArgumentException("The value cannot contain ';', which separates Keap filter clauses.", nameof(value));
        }

        return $"{field}=={value}";
    }
}
