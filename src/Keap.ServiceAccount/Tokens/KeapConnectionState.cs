namespace Keap.ServiceAccount;

/// <summary>Where the application's connection to Keap stands.</summary>
public enum KeapConnectionState
{
    /// <summary>The store is readable and holds no token: an administrator has to connect the application to Keap.</summary>
    NotConnected,

    /// <summary>A usable token is stored and is renewed automatically.</summary>
    Connected,

    /// <summary>
    /// Keap refused the stored refresh token (it was spent or expired): an administrator has to connect again. The
    /// refusal is recorded in the store, so every instance reports it; the stored token is kept for diagnosis.
    /// </summary>
    NeedsReauthorization,

    /// <summary>
    /// A token is stored but the last refresh failed (Keap's token endpoint timed out, answered 5xx, or refused for a
    /// reason other than a spent refresh token). Refreshing is retried with back-off; whether the current access token
    /// still works is in <see cref="KeapConnectionStatus.AccessTokenExpiresAt"/>. Usually passes without an administrator.
    /// </summary>
    RefreshFailing,

    /// <summary>
    /// The token store cannot be reached or read (a database outage, a file without permission). Says nothing about
    /// the connection to Keap itself; a token this process already holds is still used while it is valid.
    /// </summary>
    StoreUnavailable,
}
