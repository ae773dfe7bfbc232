using Keap.ServiceAccount.Configuration;

namespace Keap.ServiceAccount;

/// <summary>The administrator's consent flow (configuration section <c>Keap:Authorization</c>).</summary>
public sealed class KeapAuthorizationOptions
{
    /// <summary>How long an authorize link's one-time <c>state</c> stays valid. Default 15 minutes; at most 1 day.</summary>
    [Positive(AtMost = "1.00:00:00")]
    public TimeSpan StateLifetime { get; set; } = TimeSpan.FromMinutes(15);
}
