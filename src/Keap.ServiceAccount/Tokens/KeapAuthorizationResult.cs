namespace Keap.ServiceAccount;

/// <summary>What completing an authorization callback did.</summary>
public sealed class KeapAuthorizationResult
{
    /// <summary>Creates a result.</summary>
    /// <param name="outcome">The outcome.</param>
    /// <param name="message">A sentence for the administrator; never contains a secret.</param>
    /// <param name="status">The connection status afterwards.</param>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> or <paramref name="status"/> is <see langword="null"/>.</exception>
    public KeapAuthorizationResult(KeapAuthorizationOutcome outcome, string message, KeapConnectionStatus status)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(status);
        Outcome = outcome;
        Message = message;
        Status = status;
    }

    /// <summary>The outcome.</summary>
    public KeapAuthorizationOutcome Outcome { get; init; }

    /// <summary>A sentence for the administrator; never contains a secret.</summary>
    public string Message { get; init; }

    /// <summary>The connection status afterwards.</summary>
    public KeapConnectionStatus Status { get; init; }

    /// <summary>Whether the application is now connected.</summary>
    public bool Succeeded => Outcome == KeapAuthorizationOutcome.Connected;

    /// <summary>
    /// Whether the outcome is <see cref="KeapAuthorizationOutcome.InvalidState"/> because this very response was
    /// already completed once (a reload or the back button), rather than a state that is missing, damaged, forged or
    /// expired.
    /// </summary>
    public bool AlreadyUsed { get; init; }

    /// <summary>Describes the result; the message and status hold no secret.</summary>
    public override string ToString() =>
        $"KeapAuthorizationResult {{ Outcome = {Outcome}, Message = {Message}, Status = {Status}, AlreadyUsed = {AlreadyUsed} }}";
}
