using System.Buffers.Text;
using System.Security.Cryptography;

namespace Keap.ServiceAccount.Hooks;

/// <summary>Makes and checks the receiver's path secret: 256 random bits as base64url text (43 characters).</summary>
internal static class HookSecret
{
    private const int Bytes = 32;

    // 128 bits in base64url: the least the contract promises, and the least a stored secret may have.
    private const int MinLength = 22;

    public static string New() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(Bytes));

    /// <summary>Returns <paramref name="stored"/> when it is a secret this package could have made.</summary>
    /// <exception cref="TokenStoreException">It is not; the message names <paramref name="source"/>, never the text.</exception>
    public static string Check(string? stored, string source)
    {
        if (stored is { Length: >= MinLength } && stored.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            return stored;
        }

        throw new TokenStoreException(
            $"The REST hook path secret stored in {source} cannot be read. It was left as it is; delete it to have a new one made (and the subscriptions re-created).");
    }

    /// <summary>The stored form of <paramref name="secret"/>: protected when the token is.</summary>
    public static string Protect(string secret, ITokenProtector? protector) => protector?.Protect(secret) ?? secret;

    /// <summary>Reads what <see cref="Protect"/> stored.</summary>
    /// <exception cref="TokenStoreException">It cannot be unprotected or is no secret.</exception>
    public static string Unprotect(string stored, ITokenProtector? protector, string source)
    {
        if (protector is null)
        {
            return Check(stored.Trim(), source);
        }

        string unprotected;
        try
        {
            unprotected = protector.Unprotect(stored.Trim());
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Any failure, as for the token (TokenSerializer): an application's protector may throw its own exceptions.
            throw new TokenStoreException(
                $"The REST hook path secret stored in {source} cannot be unprotected ({ex.GetType().Name}). It was left as it is; check the token protector's keys.",
                ex);
        }

        return Check(unprotected, source);
    }
}
