using System.Text.Json.Serialization;
using Keap.ServiceAccount.Http;

namespace Keap.ServiceAccount.Hooks;

/// <summary>
/// The REST hooks' JSON types. Keap's v1 API names properties in camelCase (<c>eventKey</c>, <c>hookUrl</c>), unlike
/// v2's snake_case; otherwise the options of the shared <see cref="KeapJsonContext"/>: a key sent as a number is read
/// as text, unknown properties are skipped.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    Converters = [typeof(StringOrNumberConverter)])]
[JsonSerializable(typeof(HookDto))]
[JsonSerializable(typeof(List<HookDto>))]
[JsonSerializable(typeof(HookWriteDto))]
[JsonSerializable(typeof(List<string>))]
internal sealed partial class HooksJsonContext : JsonSerializerContext;
