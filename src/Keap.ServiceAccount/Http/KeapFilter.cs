namespace Keap.ServiceAccount.Http;

/// <summary>Builds Keap v2 <c>filter</c> query values.</summary>
internal static class KeapFilter
{
    /// <summary>The largest <c>page_size</c> Keap accepts.</summary>
    public const int MaxPageSize = 1000;

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
