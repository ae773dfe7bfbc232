using System.Runtime.CompilerServices;

namespace Keap.ServiceAccount.Http;

/// <summary>
/// Follows Keap's <c>next_page_token</c> until the list ends, and refuses to loop. The list ends at a page without a
/// token, or at an empty page whose token Keap already gave (the one just sent or an earlier one): an empty page means
/// the data is exhausted. A page with items that hands back a token already given (where data would repeat), or a
/// second empty page in a row with a new token, stops with a <see cref="KeapApiException"/>.
/// </summary>
internal static class KeapPages
{
    /// <summary>One page: its items and the token of the next one.</summary>
    public readonly record struct Page<TItem>(IReadOnlyList<TItem> Items, string? NextPageToken);

    /// <summary>Every item of every page from <paramref name="pageToken"/> on.</summary>
    public static async IAsyncEnumerable<TItem> EnumerateAsync<TPage, TItem>(
        Func<string?, CancellationToken, Task<TPage>> fetch,
        Func<TPage, IEnumerable<TItem>?> items,
        Func<TPage, string?> nextPageToken,
        [EnumeratorCancellation] CancellationToken cancellationToken,
        string? pageToken = null)
    {
        var pages = PagesAsync(fetch, items, nextPageToken, pageToken, cancellationToken);
        await foreach (var page in pages.ConfigureAwait(false))
        {
            foreach (var item in page.Items)
            {
                yield return item;
            }
        }
    }

    /// <summary>The pages from <paramref name="pageToken"/> on (the first page when it is <see langword="null"/>).</summary>
    public static async IAsyncEnumerable<Page<TItem>> PagesAsync<TPage, TItem>(
        Func<string?, CancellationToken, Task<TPage>> fetch,
        Func<TPage, IEnumerable<TItem>?> items,
        Func<TPage, string?> nextPageToken,
        string? pageToken,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var emptyWithToken = false;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (pageToken is not null)
            {
                seen.Add(pageToken);
            }

            var page = await fetch(pageToken, cancellationToken).ConfigureAwait(false);
            var list = items(page)?.ToList() ?? [];
            var next = nextPageToken(page);
            if (string.IsNullOrEmpty(next))
            {
                yield return new Page<TItem>(list, null);
                yield break;
            }

            if (seen.Contains(next))
            {
                if (list.Count == 0)
                {
                    // Nothing new and nowhere new to go: the data is exhausted.
                    yield return new Page<TItem>(list, null);
                    yield break;
                }

                throw new KeapApiException("Keap returned a page of items with a next_page_token it had already given; the list would repeat itself, so it was stopped.");
            }

            // One empty page with a token can be Keap skipping filtered-out rows; two in a row is a loop.
            if (list.Count == 0 && emptyWithToken)
            {
                throw new KeapApiException("Keap returned two empty pages in a row that both carry a next_page_token; the list was stopped.");
            }

            emptyWithToken = list.Count == 0;
            yield return new Page<TItem>(list, next);
            pageToken = next;
        }
    }
}
