using System.Globalization;
using System.Text.Json.Serialization;

namespace Keap.ServiceAccount.Tokens.Stores;

/// <summary>The token file: the version and the (optionally protected) <see cref="TokenSerializer"/> document, or no token after a disconnect.</summary>
internal sealed record FileDocument(long? Version, string? Token)
{
    /// <summary>Names the version and whether a token is present, never the token document (it may be unprotected).</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"FileDocument {{ Version = {Version}, HasToken = {Token is not null} }}");
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(FileDocument))]
internal sealed partial class FileDocumentContext : JsonSerializerContext;
