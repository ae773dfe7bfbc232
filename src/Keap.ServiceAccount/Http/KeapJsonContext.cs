using System.Text.Json;
using System.Text.Json.Serialization;
using Keap.ServiceAccount.Contacts;
using Keap.ServiceAccount.Tags;

namespace Keap.ServiceAccount.Http;

/// <summary>
/// The JSON contract of Keap's v2 API: snake_case names, unknown properties ignored, numbers accepted from strings,
/// nulls not sent (so a PATCH changes only what was set).
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(ContactDto))]
[JsonSerializable(typeof(ContactWriteDto))]
[JsonSerializable(typeof(ContactListDto))]
[JsonSerializable(typeof(TagDto))]
[JsonSerializable(typeof(TagWriteDto))]
[JsonSerializable(typeof(TagListDto))]
[JsonSerializable(typeof(ContactTagListDto))]
[JsonSerializable(typeof(ContactIdsDto))]
[JsonSerializable(typeof(ApplyTagsDto))]
[JsonSerializable(typeof(ErrorDto))]
internal sealed partial class KeapJsonContext : JsonSerializerContext;

/// <summary>Reads an id Keap sent as a string or as a number (v1 and Keap's own examples use numbers).</summary>
internal sealed class StringOrNumberConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Number => System.Text.Encoding.UTF8.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan),
        JsonTokenType.Null => null,
        _ => throw new JsonException($"Expected a string or a number, got {reader.TokenType}."),
    };

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}

/// <summary>Keap's v2 error body.</summary>
internal sealed class ErrorDto
{
    [JsonConverter(typeof(StringOrNumberConverter))]
    public string? Code { get; set; }

    public string? Message { get; set; }

    public string? Status { get; set; }

    public List<ErrorDetailDto>? Details { get; set; }
}

/// <summary>One entry of <see cref="ErrorDto.Details"/>.</summary>
internal sealed class ErrorDetailDto
{
    public string? Domain { get; set; }

    public string? Resource { get; set; }
}
