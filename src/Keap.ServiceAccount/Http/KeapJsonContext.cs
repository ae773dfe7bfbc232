using System.Text.Json.Serialization;

namespace Keap.ServiceAccount.Http;

/// <summary>
/// The JSON contract of Keap's v2 API: snake_case names, unknown properties ignored (or kept where a type has
/// extension data), strings read from numbers too (Keap's own examples send ids and codes as numbers where the schema
/// says string), nulls not sent (so a PATCH changes only what was set). This context holds what every feature shares
/// (the error body, dates); each feature (contacts, tags) has its own context with these same options, so this folder
/// names none of their types.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    Converters = [typeof(StringOrNumberConverter), typeof(KeapDateConverter), typeof(KeapTimeConverter)])]
[JsonSerializable(typeof(ErrorDto))]
[JsonSerializable(typeof(DateOnly))]
[JsonSerializable(typeof(DateTimeOffset))]
internal sealed partial class KeapJsonContext : JsonSerializerContext;
