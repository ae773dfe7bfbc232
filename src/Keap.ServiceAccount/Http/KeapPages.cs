using System.Runtime.CompilerServices;

namespace Keap.ServiceAccount.Http;

/// <summary>Follows Keap's <c>next_page_token</c> until a page has none.</summary>
internal static class KeapPages
{
    public static async IAsyncEnumerable<TItem> EnumerateAsync<TPage, TItem>(
        Func<string?, CancellationToken, Task<TPage>> fetch,
        Func<TPage, IEnumerable<TItem>?> items,
        Func<TPage, string?> nextPageToken,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? pageToken = null;
        do
        {
            var page = await fetch(pageToken, cancellationToken).ConfigureAwait(false);
            foreach (var item in items(page) ?? [])
            {
                yield return item;
            }

            pageToken = nextPageToken(page);
        }
        while (!string.IsNullOrEmpty(pageToken));
    }
}
