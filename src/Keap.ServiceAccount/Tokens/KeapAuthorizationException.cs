namespace Keap.ServiceAccount;

/// <summary>No usable Keap token: the application is not connected, or Keap refused its refresh token and an administrator must connect again.</summary>
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
}
