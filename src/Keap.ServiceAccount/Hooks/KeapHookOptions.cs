namespace Keap.ServiceAccount;

/// <summary>The application's REST hook subscriptions, bound from <c>Keap:Hooks</c>.</summary>
public sealed class KeapHookOptions
{
    /// <summary>
    /// <c>Keap:Hooks:ReceiverUrl</c>: the public, absolute <c>https</c> URL where <c>MapKeapHooks</c> is mapped, for
    /// example <c>https://app.example.com/keap/hooks</c> (<c>http</c> is accepted for loopback only). The subscriptions
    /// point at this URL followed by <c>/</c> and the path secret.
    /// </summary>
    public Uri? ReceiverUrl { get; set; }

    /// <summary><c>Keap:Hooks:EventKeys</c>: the events to subscribe to, for example <c>contact.delete</c>.</summary>
    public IList<string> EventKeys { get; } = [];

    /// <summary>
    /// <c>Keap:Hooks:ReconcileInterval</c>: how often the subscriptions are checked and repaired, as a
    /// <see cref="TimeSpan"/>; default 1 hour, at least 1 minute.
    /// </summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromHours(1);
}
