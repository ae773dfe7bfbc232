namespace Keap.ServiceAccount;

/// <summary>Where the application's connection to Keap stands.</summary>
public enum KeapConnectionState
{
    /// <summary>No token is stored: an administrator has to connect the application to Keap.</summary>
    NotConnected,

    /// <summary>A usable token is stored and is renewed automatically.</summary>
    Connected,

    /// <summary>Keap refused the stored refresh token (it was spent or expired): an administrator has to connect again. The stored token is kept for diagnosis.</summary>
    NeedsReauthorization,
}
