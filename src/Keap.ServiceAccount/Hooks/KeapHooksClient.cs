using Keap.ServiceAccount.Http;
using Microsoft.Extensions.Logging;

namespace Keap.ServiceAccount.Hooks;

/// <summary>The REST hooks client over Keap's v1 hooks endpoints.</summary>
internal sealed class KeapHooksClient(KeapApi<IKeapHooksApi> api, ILogger<KeapHooksClient> logger) : IKeapHooksClient
{
    public async Task<IReadOnlyList<KeapHookEventKey>> ListEventKeysAsync(CancellationToken cancellationToken = default)
    {
        var keys = await api.Create().ListEventKeysAsync(cancellationToken).ConfigureAwait(false);
        return (keys ?? []).Where(k => !string.IsNullOrEmpty(k)).Select(k => new KeapHookEventKey(k)).ToList();
    }

    public async Task<KeapHookSubscription> SubscribeAsync(KeapHookEventKey eventKey, Uri hookUrl, CancellationToken cancellationToken = default)
    {
        var body = Write(eventKey, hookUrl);
        var created = await api.Create().SubscribeAsync(body, cancellationToken).ConfigureAwait(false);
        return Read(created);
    }

    public async Task<IReadOnlyList<KeapHookSubscription>> ListAsync(CancellationToken cancellationToken = default)
    {
        var hooks = (await api.Create().ListAsync(cancellationToken).ConfigureAwait(false) ?? []).Where(h => h is not null).ToList();
        // An entry no subscription can come from (another integration's) must not stop the reconciler at every pass.
        var unreadable = hooks.Count(h => !h.IsReadable);
        if (unreadable > 0)
        {
            HookLog.UnreadableHooksSkipped(logger, unreadable);
        }

        return hooks.Where(h => h.IsReadable).Select(h => h.ToSubscription()).ToList();
    }

    public async Task<KeapHookSubscription?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        try
        {
            return Read(await api.Create().GetAsync(key, cancellationToken).ConfigureAwait(false));
        }
        catch (KeapApiException e) when (e.IsKeapNotFound)
        {
            return null;
        }
    }

    public async Task<KeapHookSubscription> UpdateAsync(string key, KeapHookEventKey eventKey, Uri hookUrl, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        var body = Write(eventKey, hookUrl);
        return Read(await api.Create().UpdateAsync(key, body, cancellationToken).ConfigureAwait(false));
    }

    public async Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        try
        {
            await api.Create().DeleteAsync(key, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (KeapApiException e) when (e.IsKeapNotFound)
        {
            return false;
        }
    }

    public async Task<KeapHookSubscription> VerifyAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        return Read(await api.Create().VerifyAsync(key, cancellationToken).ConfigureAwait(false));
    }

    public async Task<KeapHookSubscription> DelayedVerifyAsync(string key, string hookSecret, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        ArgumentException.ThrowIfNullOrWhiteSpace(hookSecret);
        return Read(await api.Create().DelayedVerifyAsync(key, hookSecret, cancellationToken).ConfigureAwait(false));
    }

    private static HookWriteDto Write(KeapHookEventKey eventKey, Uri hookUrl)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventKey.Value, nameof(eventKey));
        ArgumentNullException.ThrowIfNull(hookUrl);
        if (!hookUrl.IsAbsoluteUri)
        {
            throw new ArgumentException("The hook URL must be absolute.", nameof(hookUrl));
        }

        return new HookWriteDto { EventKey = eventKey.Value, HookUrl = hookUrl.AbsoluteUri };
    }

    private static KeapHookSubscription Read(HookDto? hook) =>
        (hook ?? throw new KeapApiException("Keap returned an empty REST hook.")).ToSubscription();
}
