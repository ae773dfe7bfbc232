namespace Keap.ServiceAccount;

/// <summary>
/// The REST hook receiver's limits (<c>MapKeapHooks</c>), bound from <c>Keap:Hooks</c> beside the subscriptions'
/// <see cref="KeapHookOptions"/> and validated when the host starts.
/// </summary>
public sealed class KeapHookReceiverOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Keap:Hooks";

    /// <summary>
    /// <c>Keap:Hooks:MaxRequestBodySize</c>: the largest delivery body accepted, in bytes; default 1,048,576 (1 MiB),
    /// several times a 1,000-object delivery. A larger body is answered <c>413</c> without reading past the limit.
    /// </summary>
    public long MaxRequestBodySize { get; set; } = 1024 * 1024;

    /// <summary>
    /// <c>Keap:Hooks:HandlerTimeout</c>: how long the <see cref="IKeapHookHandler"/> may take before the receiver
    /// answers <c>503</c> (and Keap delivers again later); default 10 seconds, more than zero and less than Keap's
    /// 30-second delivery timeout.
    /// </summary>
    public TimeSpan HandlerTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
