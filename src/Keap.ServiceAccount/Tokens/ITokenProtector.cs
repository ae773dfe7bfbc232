namespace Keap.ServiceAccount;

/// <summary>
/// Protects the serialized token at rest (for example with ASP.NET Core Data Protection).
/// Stores that persist the token call it on every write and read.
/// </summary>
public interface ITokenProtector
{
    /// <summary>Encrypts the serialized token.</summary>
    /// <param name="plaintext">The serialized token.</param>
    /// <returns>The protected form, safe to store.</returns>
    string Protect(string plaintext);

    /// <summary>Decrypts what <see cref="Protect"/> produced.</summary>
    /// <param name="protectedData">The protected form.</param>
    /// <returns>The serialized token.</returns>
    /// <exception cref="System.Security.Cryptography.CryptographicException">The data cannot be decrypted.</exception>
    string Unprotect(string protectedData);
}
