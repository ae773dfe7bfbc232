using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Keap.ServiceAccount.Hooks;

/// <summary>
/// Keeps one <see cref="KeapHookStatus.Verified"/> subscription per configured event key to this application's hook URL
/// (<c>Keap:Hooks:ReceiverUrl</c> + <c>/</c> + the path secret). Safe without locks when several instances run it at
/// once: every instance keeps the same subscription of a key (verified first, then the lowest key) and deletes the
/// others, and after creating it lists and de-duplicates again, so racing instances converge within one pass.
/// </summary>
internal sealed class KeapHookReconciler(
    IKeapHooksClient hooks,
    IKeapHookSecretStore secrets,
    IOptions<KeapHookOptions> options,
    ILogger<KeapHookReconciler> logger) : IKeapHookSubscriptions
{
    /// <summary>The characters of a path secret (base64url).</summary>
    private static readonly System.Buffers.SearchValues<char> SecretCharacters =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    /// <summary>The receiver URL without a trailing slash; see <see cref="Ours"/> for which subscriptions under it are this application's.</summary>
    private readonly string _receiver = options.Value.ReceiverUrl?.AbsoluteUri.TrimEnd('/')
        ?? throw new InvalidOperationException("Keap:Hooks:ReceiverUrl is required.");

    private readonly KeapHookEventKey[] _configured = options.Value.EventKeys.Distinct(StringComparer.Ordinal).Select(k => new KeapHookEventKey(k)).ToArray();

    public async Task<IReadOnlyList<KeapHookSubscription>> ReconcileAsync(CancellationToken cancellationToken = default)
    {
        var hookUrl = new Uri(_receiver + "/" + await secrets.GetOrCreateAsync(cancellationToken).ConfigureAwait(false));
        var kept = await PruneAsync(hookUrl, cancellationToken).ConfigureAwait(false);
        var created = false;
        foreach (var eventKey in _configured)
        {
            if (kept.TryGetValue(eventKey, out var current) && current.Status != KeapHookStatus.Verified)
            {
                var verified = await TryVerifyAsync(current, cancellationToken).ConfigureAwait(false);
                if (verified?.Status == KeapHookStatus.Verified)
                {
                    kept[eventKey] = verified;
                    continue;
                }

                await DeleteAsync(current, "still not verified after a new handshake; subscribing again", cancellationToken).ConfigureAwait(false);
                kept.Remove(eventKey);
            }

            if (!kept.ContainsKey(eventKey))
            {
                created |= await TrySubscribeAsync(eventKey, hookUrl, cancellationToken).ConfigureAwait(false);
            }
        }

        // Another instance may have created the same ones meanwhile: list again and keep one of each.
        if (created)
        {
            kept = await PruneAsync(hookUrl, cancellationToken).ConfigureAwait(false);
        }

        return _configured.Where(kept.ContainsKey).Select(k => kept[k]).ToList();
    }

    public async Task<IReadOnlyList<KeapHookSubscription>> ListAsync(CancellationToken cancellationToken = default) =>
        Ours(await hooks.ListAsync(cancellationToken).ConfigureAwait(false)).ToList();

    /// <summary>Orders candidates of one event key: verified first, then by key, numerically when both are numbers.</summary>
    internal static int Prefer(KeapHookSubscription a, KeapHookSubscription b)
    {
        var verified = (b.Status == KeapHookStatus.Verified).CompareTo(a.Status == KeapHookStatus.Verified);
        return verified != 0 ? verified : CompareKeys(a.Key, b.Key);
    }

    internal static int CompareKeys(string a, string b)
    {
        var aNumber = long.TryParse(a, NumberStyles.None, CultureInfo.InvariantCulture, out var x);
        var bNumber = long.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out var y);
        return (aNumber, bNumber) switch
        {
            (true, true) => x.CompareTo(y),
            (true, false) => -1,
            (false, true) => 1,
            _ => string.CompareOrdinal(a, b),
        };
    }

    /// <summary>
    /// Those to the receiver URL followed by one segment that could be a path secret (ours, or an older one of ours):
    /// another receiver mapped below it (<c>…/hooks/other-app/…</c>, <c>…/hooks/x?tenant=2</c>) is not this application's.
    /// </summary>
    private IEnumerable<KeapHookSubscription> Ours(IEnumerable<KeapHookSubscription> all) =>
        all.Where(s => s.HookUrl.AbsoluteUri.StartsWith(_receiver + "/", StringComparison.Ordinal)
            && s.HookUrl.AbsoluteUri.AsSpan(_receiver.Length + 1) is { Length: > 0 } segment
            && !segment.ContainsAnyExcept(SecretCharacters));


    /// <summary>
    /// Deletes this application's subscriptions that should not be there (an unconfigured event key, a URL with another
    /// secret, a second one of a key) and returns the one kept per configured key.
    /// </summary>
    private async Task<Dictionary<KeapHookEventKey, KeapHookSubscription>> PruneAsync(Uri hookUrl, CancellationToken cancellationToken)
    {
        var kept = new Dictionary<KeapHookEventKey, KeapHookSubscription>();
        foreach (var group in (await ListAsync(cancellationToken).ConfigureAwait(false)).GroupBy(s => s.EventKey))
        {
            var configured = _configured.Contains(group.Key);
            var candidates = new List<KeapHookSubscription>();
            foreach (var subscription in group)
            {
                if (!configured)
                {
                    await DeleteAsync(subscription, "its event key is no longer configured", cancellationToken).ConfigureAwait(false);
                }
                else if (!string.Equals(subscription.HookUrl.AbsoluteUri, hookUrl.AbsoluteUri, StringComparison.Ordinal))
                {
                    await DeleteAsync(subscription, "it carries another path secret", cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    candidates.Add(subscription);
                }
            }

            candidates.Sort(Prefer);
            foreach (var duplicate in candidates.Skip(1))
            {
                await DeleteAsync(duplicate, "a duplicate of hook " + candidates[0].Key, cancellationToken).ConfigureAwait(false);
            }

            if (candidates.Count > 0)
            {
                kept[group.Key] = candidates[0];
            }
        }

        return kept;
    }

    /// <returns>Whether a subscription was created; false when Keap refused the event key, which is logged.</returns>
    private async Task<bool> TrySubscribeAsync(KeapHookEventKey eventKey, Uri hookUrl, CancellationToken cancellationToken)
    {
        try
        {
            var subscription = await hooks.SubscribeAsync(eventKey, hookUrl, cancellationToken).ConfigureAwait(false);
            HookLog.Subscribed(logger, eventKey.Value, subscription.Key, subscription.Status.Value);
            return true;
        }
        catch (KeapApiException e) when (IsRefusal(e))
        {
            // One key Keap does not know (a typo in Keap:Hooks:EventKeys) must not keep the others unsubscribed.
            HookLog.SubscribeRefused(logger, eventKey.Value, (int)e.StatusCode!.Value);
            return false;
        }
    }

    /// <summary>A 4xx other than 401, 403 and 429: Keap refused this request itself, not the connection or the rate.</summary>
    private static bool IsRefusal(KeapApiException e) =>
        e.StatusCode is { } status && (int)status is >= 400 and < 500
        && status is not (HttpStatusCode.TooManyRequests or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden);

    private async Task<KeapHookSubscription?> TryVerifyAsync(KeapHookSubscription subscription, CancellationToken cancellationToken)
    {
        try
        {
            var verified = await hooks.VerifyAsync(subscription.Key, cancellationToken).ConfigureAwait(false);
            HookLog.Verified(logger, subscription.Key, subscription.EventKey.Value, verified.Status.Value);
            return verified;
        }
        catch (KeapApiException e) when (IsRefusal(e))
        {
            // Keap refused the handshake (or the hook is gone): a fresh subscription is the way back.
            return null;
        }
    }

    private async Task DeleteAsync(KeapHookSubscription subscription, string why, CancellationToken cancellationToken)
    {
        // A hook already gone (another instance deleted it) is what was wanted.
        await hooks.DeleteAsync(subscription.Key, cancellationToken).ConfigureAwait(false);
        HookLog.Deleted(logger, subscription.Key, subscription.EventKey.Value, why);
    }
}
