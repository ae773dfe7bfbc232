using System.Text.Json.Serialization;
using Keap.ServiceAccount.Http;

namespace Keap.ServiceAccount.Tags;

/// <summary>The tags' JSON types, with the options of the shared <see cref="KeapJsonContext"/> (a test checks they agree).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    Converters = [typeof(StringOrNumberConverter), typeof(KeapDateConverter), typeof(KeapTimeConverter)])]
[JsonSerializable(typeof(TagDto))]
[JsonSerializable(typeof(TagWriteDto))]
[JsonSerializable(typeof(TagListDto))]
[JsonSerializable(typeof(ContactTagListDto))]
[JsonSerializable(typeof(ContactIdsDto))]
[JsonSerializable(typeof(ApplyTagsDto))]
internal sealed partial class TagsJsonContext : JsonSerializerContext;
