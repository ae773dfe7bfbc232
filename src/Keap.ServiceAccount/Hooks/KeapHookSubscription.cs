namespace Keap.ServiceAccount;

/// <summary>A REST hook subscription in Keap (<c>/rest/v1/hooks</c>): Keap POSTs the events of one key to one URL.</summary>
public sealed class KeapHookSubscription
{
    /// <summary>Keap's key of the subscription (the <c>{key}</c> of <c>/rest/v1/hooks/{key}</c>).</summary>
    public required string Key { get; init; }

    /// <summary>The event the subscription listens to.</summary>
    public required KeapHookEventKey EventKey { get; init; }

    /// <summary>The absolute URL Keap delivers to. It carries the receiver's path secret, so never log it.</summary>
    public required Uri HookUrl { get; init; }

    /// <summary>The subscription's status.</summary>
    public required KeapHookStatus Status { get; init; }

    /// <summary>The key, event and status; never the hook URL, which carries the receiver's secret.</summary>
    /// <returns>For example <c>hook 17 contact.delete Verified</c>.</returns>
    public override string ToString() => $"hook {Key} {EventKey} {Status}";
}
