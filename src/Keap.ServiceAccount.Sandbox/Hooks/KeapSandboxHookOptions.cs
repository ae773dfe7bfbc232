using Microsoft.Extensions.Options;

namespace Keap.ServiceAccount.Sandbox;

/// <summary>
/// How the sandbox delivers REST hooks (configuration section <c>KeapSandbox:Hooks</c>). Every wait runs on the
/// sandbox's <see cref="TimeProvider"/>, so a test advances a fake clock instead of waiting.
/// </summary>
public sealed class KeapSandboxHookOptions
{
    /// <summary>Keap's retry waits after a failed delivery: about 30–60 s, then 5 min, then 30 min (four attempts in all).</summary>
    internal static readonly TimeSpan[] KeapRetryDelays = [TimeSpan.FromSeconds(45), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30)];

    /// <summary>
    /// How long after a change its first delivery attempt is made (<c>KeapSandbox:Hooks:DeliveryDelay</c>); the
    /// changes of one hook made meanwhile go out together. Default 30 s (Keap: 30–60 s). Zero or more.
    /// </summary>
    public TimeSpan DeliveryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The same for <c>contactGroup.applied</c> and <c>contactGroup.removed</c> (<c>KeapSandbox:Hooks:TagEventDelay</c>),
    /// which Keap delivers minutes late. Default 5 min (Keap: 5–10 min). Zero or more.
    /// </summary>
    public TimeSpan TagEventDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long the sandbox waits for the receiver to answer a verification or a delivery
    /// (<c>KeapSandbox:Hooks:DeliveryTimeout</c>); no answer by then is a failure. Default 30 s, as Keap. More than zero.
    /// </summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The waits before each retry of a failed delivery (<c>KeapSandbox:Hooks:RetryDelays:0=00:00:45</c>, …); after the
    /// last retry fails, the hook turns <c>Inactive</c>. Empty (the default) uses Keap's schedule: 45 s, 5 min, 30 min,
    /// that is four attempts in all. Each more than zero.
    /// </summary>
    public IList<TimeSpan> RetryDelays { get; } = [];

    internal IReadOnlyList<TimeSpan> EffectiveRetryDelays => RetryDelays.Count > 0 ? [.. RetryDelays] : KeapRetryDelays;
}

/// <summary>Refuses hook options the sandbox cannot run with, naming the configuration key.</summary>
internal sealed class KeapSandboxHookOptionsValidator : IValidateOptions<KeapSandboxOptions>
{
    public ValidateOptionsResult Validate(string? name, KeapSandboxOptions options)
    {
        var hooks = options.Hooks;
        var failures = new List<string>();
        if (hooks.DeliveryDelay < TimeSpan.Zero)
        {
            failures.Add($"KeapSandbox:Hooks:DeliveryDelay must be zero or more (was {hooks.DeliveryDelay}).");
        }

        if (hooks.TagEventDelay < TimeSpan.Zero)
        {
            failures.Add($"KeapSandbox:Hooks:TagEventDelay must be zero or more (was {hooks.TagEventDelay}).");
        }

        if (hooks.DeliveryTimeout <= TimeSpan.Zero)
        {
            failures.Add($"KeapSandbox:Hooks:DeliveryTimeout must be more than zero (was {hooks.DeliveryTimeout}).");
        }

        for (var i = 0; i < hooks.RetryDelays.Count; i++)
        {
            if (hooks.RetryDelays[i] <= TimeSpan.Zero)
            {
                failures.Add($"KeapSandbox:Hooks:RetryDelays:{i} must be more than zero (was {hooks.RetryDelays[i]}).");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
