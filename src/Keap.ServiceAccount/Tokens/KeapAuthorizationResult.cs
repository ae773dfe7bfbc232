namespace Keap.ServiceAccount;

/// <summary>What completing an authorization callback did.</summary>
/// <param name="Outcome">The outcome.</param>
/// <param name="Message">A sentence for the administrator; never contains a secret.</param>
/// <param name="Status">The connection status afterwards.</param>
public sealed record KeapAuthorizationResult(KeapAuthorizationOutcome Outcome, string Message, KeapConnectionStatus Status)
{
    /// <summary>Whether the application is now connected.</summary>
    public bool Succeeded => Outcome == KeapAuthorizationOutcome.Connected;

    /// <summary>
    /// Whether the outcome is <see cref="KeapAuthorizationOutcome.InvalidState"/> because this very response was
    /// already completed once (a reload or the back button), rather than a state that is missing, damaged, forged or
    /// expired.
    /// </summary>
    public bool AlreadyUsed { get; init; }
}
