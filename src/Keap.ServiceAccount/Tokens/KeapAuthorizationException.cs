namespace Keap.ServiceAccount;

/// <summary>
/// No usable Keap token. <see cref="State"/> says why: not connected or needing re-authorization (an administrator has
/// to connect), or a transient failure of the token path (<see cref="IsTransient"/>: the token store is unavailable,
/// or refreshing failed) that a later attempt may get past without anyone's help.
/// </summary>
public sealed class KeapAuthorizationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public KeapAuthorizationException()
        : this(KeapConnectionState.NotConnected, "The application is not connected to Keap.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong; never contains a token.</param>
    public KeapAuthorizationException(string message)
        : this(KeapConnectionState.NotConnected, message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What went wrong; never contains a token.</param>
    /// <param name="innerException">The cause.</param>
    public KeapAuthorizationException(string message, Exception innerException)
        : base(message, innerException)
    {
        State = KeapConnectionState.NotConnected;
    }

    /// <summary>Creates the exception for a connection state.</summary>
    /// <param name="state">The connection state that prevents the call.</param>
    /// <param name="message">What went wrong; never contains a token.</param>
    /// <param name="innerException">The cause, if any.</param>
    public KeapAuthorizationException(KeapConnectionState state, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        State = state;
    }

    /// <summary>The connection state that prevented the call.</summary>
    public KeapConnectionState State { get; }

    /// <summary>
    /// <see langword="true"/> when the failure is transient (<see cref="KeapConnectionState.StoreUnavailable"/> or
    /// <see cref="KeapConnectionState.RefreshFailing"/>): retry later. <see langword="false"/> when an administrator has
    /// to connect the application (<see cref="KeapConnectionState.NotConnected"/>, <see cref="KeapConnectionState.NeedsReauthorization"/>).
    /// </summary>
    public bool IsTransient => State is KeapConnectionState.StoreUnavailable or KeapConnectionState.RefreshFailing;
}
