namespace Keap.ServiceAccount;

/// <summary>The outcome of an authorization callback.</summary>
public enum KeapAuthorizationOutcome
{
    /// <summary>The code was exchanged and the token stored.</summary>
    Connected,

    /// <summary>The administrator denied access on Keap's consent page.</summary>
    Denied,

    /// <summary>The <c>state</c> was missing, unknown, already used or expired: possibly a forged request. Nothing was exchanged.</summary>
    InvalidState,

    /// <summary>Keap returned an error, or the code exchange failed.</summary>
    Failed,
}
