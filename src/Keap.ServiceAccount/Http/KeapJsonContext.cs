using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Keap.ServiceAccount.Contacts;
using Keap.ServiceAccount.Tags;

namespace Keap.ServiceAccount.Http;

/// <summary>
/// The JSON contract of Keap's v2 API: snake_case names, unknown properties ignored (or kept where a type has
/// extension data), strings read from numbers too (Keap's own examples send ids and codes as numbers where the schema
/// says string), nulls not sent (so a PATCH changes only what was set).
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    Converters = [typeof(StringOrNumberConverter), typeof(KeapDateConverter), typeof(KeapTimeConverter)])]
[JsonSerializable(typeof(KeapContact))]
[JsonSerializable(typeof(ContactWriteDto))]
[JsonSerializable(typeof(ContactListDto))]
[JsonSerializable(typeof(KeapContactModel))]
[JsonSerializable(typeof(KeapEmailAddressStatus))]
[JsonSerializable(typeof(EmailStatusWriteDto))]
[JsonSerializable(typeof(DateOnly))]
[JsonSerializable(typeof(DateTimeOffset))]
[JsonSerializable(typeof(TagDto))]
[JsonSerializable(typeof(TagWriteDto))]
[JsonSerializable(typeof(TagListDto))]
[JsonSerializable(typeof(ContactTagListDto))]
[JsonSerializable(typeof(ContactIdsDto))]
[JsonSerializable(typeof(ApplyTagsDto))]
[JsonSerializable(typeof(ErrorDto))]
internal sealed partial class KeapJsonContext : JsonSerializerContext;

/// <summary>Reads a string Keap sent as a string or as a number (v1 and Keap's own examples use numbers).</summary>
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

    public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetString()!;

    public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WritePropertyName(value);
}

/// <summary>A date without a time, <c>yyyy-MM-dd</c>; a date-time Keap may send instead is cut to its date.</summary>
internal sealed class KeapDateConverter : JsonConverter<DateOnly>
{
    public const string Format = "yyyy-MM-dd";

    public override DateOnly Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString() ?? throw new JsonException("Expected a date.");
        return DateOnly.TryParseExact(text.Length > Format.Length ? text[..Format.Length] : text, Format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw new JsonException($"Expected a date as {Format}.");
    }

    public override void Write(Utf8JsonWriter writer, DateOnly value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString(Format, CultureInfo.InvariantCulture));
}

/// <summary>
/// A point in time: ISO 8601 (with or without a colon in the offset; no offset means UTC) or epoch milliseconds, both
/// seen from Keap. Written as UTC ISO 8601 with milliseconds, the form Keap's filters require.
/// </summary>
internal sealed class KeapTimeConverter : JsonConverter<DateTimeOffset>
{
    public const string Format = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    public static string ToText(DateTimeOffset value) => value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            return DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64());
        }

        // Not Utf8JsonReader.TryGetDateTimeOffset: it reads a time without an offset as the machine's local time.
        return DateTimeOffset.TryParse(reader.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed
            : throw new JsonException("Expected an ISO 8601 date-time.");
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) => writer.WriteStringValue(ToText(value));
}

/// <summary>Keap's v2 error body.</summary>
internal sealed class ErrorDto
{
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
