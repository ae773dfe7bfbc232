namespace Keap.ServiceAccount;

/// <summary>A token store holds data it cannot read (for example a corrupt file) or cannot be reached. The data is left untouched.</summary>
public sealed class TokenStoreException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TokenStoreException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong; never contains a token.</param>
    public TokenStoreException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What went wrong; never contains a token.</param>
    /// <param name="innerException">The cause.</param>
    public TokenStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
