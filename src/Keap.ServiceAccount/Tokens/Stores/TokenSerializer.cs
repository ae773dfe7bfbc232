using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Keap.ServiceAccount.Tokens.Stores;

/// <summary>
/// The one persisted form of a <see cref="KeapToken"/>, shared by every durable store so a token written by one
/// store type reads the same in another. The JSON is passed through the optional protector as a whole.
/// </summary>
internal static class TokenSerializer
{
    /// <summary>The format version written into every document; bumped only with a migration path.</summary>
    public const int FormatVersion = 1;

    /// <summary>Writes <paramref name="token"/> and, when Keap refused its refresh token, the <paramref name="refusal"/>.</summary>
    public static string Serialize(KeapToken token, ITokenProtector? protector, string? refusal = null)
    {
        ArgumentNullException.ThrowIfNull(token);
        var document = new TokenDocument(
            FormatVersion,
            token.AccessToken,
            token.RefreshToken,
            token.AccessTokenExpiresAt,
            token.RefreshTokenIssuedAt,
            token.Scope,
            refusal);
        var json = JsonSerializer.Serialize(document, TokenDocumentContext.Default.TokenDocument);
        return protector is null ? json : protector.Protect(json);
    }

    /// <summary>Reads a stored token; anything unreadable becomes a <see cref="TokenStoreException"/> naming <paramref name="source"/>, never a silent reset.</summary>
    public static StoredToken Deserialize(string stored, ITokenProtector? protector, string source, long version)
    {
        ArgumentNullException.ThrowIfNull(stored);
        string json;
        try
        {
            json = protector is null ? stored : protector.Unprotect(stored);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new TokenStoreException($"The token stored in {source} cannot be unprotected (wrong key or damaged data). It was left as it is.", ex);
        }

        TokenDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(json, TokenDocumentContext.Default.TokenDocument);
        }
        catch (JsonException ex)
        {
            // The JsonException message may quote the payload, which holds secrets: report the position only.
            throw new TokenStoreException(
                $"The token stored in {source} is not valid JSON (line {ex.LineNumber}, byte {ex.BytePositionInLine}). It was left as it is; fix or delete it and connect again.");
        }

        if (document is null
            || document.Format != FormatVersion
            || string.IsNullOrWhiteSpace(document.AccessToken)
            || string.IsNullOrWhiteSpace(document.RefreshToken))
        {
            throw new TokenStoreException(
                $"The token stored in {source} is incomplete or of an unknown format. It was left as it is; fix or delete it and connect again.");
        }

        var token = new KeapToken(
            document.AccessToken,
            document.RefreshToken,
            document.AccessTokenExpiresAt,
            document.RefreshTokenIssuedAt,
            document.Scope);
        return new StoredToken(token, version) { Refusal = document.Refusal };
    }
}

internal sealed record TokenDocument(
    int Format,
    string AccessToken,
    string RefreshToken,
    DateTimeOffset AccessTokenExpiresAt,
    DateTimeOffset RefreshTokenIssuedAt,
    string? Scope,
    string? Refusal = null)
{
    /// <summary>Describes the document without the access or refresh token (the generated form would print both).</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"TokenDocument {{ Format = {Format}, AccessTokenExpiresAt = {AccessTokenExpiresAt:O}, RefreshTokenIssuedAt = {RefreshTokenIssuedAt:O}, Refusal = {Refusal} }}");
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(TokenDocument))]
internal sealed partial class TokenDocumentContext : JsonSerializerContext;
