using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Keap.ServiceAccount.Http;

namespace Keap.ServiceAccount.Contacts;

/// <summary>Checks a .NET value against a custom field's type and turns it into Keap's <c>content</c>, and back.</summary>
internal static class CustomFieldContent
{
    private static readonly JsonElement Null = Parse("null"u8.ToArray());

    public static JsonElement Write(KeapCustomField field, object? value)
    {
        if (value is null)
        {
            return Null;
        }

        var type = field.FieldType?.Value;
        var (fits, expected) = type switch
        {
            "YES_NO" => (value is bool, "a bool"),
            "WHOLE_NUMBER" or "YEAR" or "MONTH" or "USER" => (IsInteger(value), "an integer"),
            "DECIMAL_NUMBER" or "CURRENCY" or "PERCENT" => (IsInteger(value) || value is decimal or double or float, "a number"),
            "DATE" => (value is DateOnly, "a DateOnly"),
            "DATE_TIME" => (value is DateTimeOffset, "a DateTimeOffset"),
            "DROPDOWN" or "RADIO" => (value is string s && IsOption(field, s), OptionsText(field, "one of")),
            "LIST_BOX" => (value is not string && value is IEnumerable<string> list && list.All(o => IsOption(field, o)), OptionsText(field, "strings from")),
            "USER_LIST_BOX" => (value is not string && value is IEnumerable<string>, "a sequence of user ids"),
            "DAY_OF_WEEK" => (value is string || IsInteger(value), "a string or an integer"),
            "TEXT" or "TEXT_AREA" or "NAME" or "EMAIL" or "PHONE_NUMBER" or "WEBSITE" or "SOCIAL_SECURITY_NUMBER" or "STATE" or "DRILLDOWN" => (value is string, "a string"),

            // A type Keap added after this package: accept plain JSON values and let Keap judge.
            _ => (value is string or bool || IsInteger(value) || value is decimal or double or float, "a string, bool or number"),
        };
        if (!fits)
        {
            throw new ArgumentException(string.Create(
                CultureInfo.InvariantCulture,
                $"The custom field '{field.Label}' (id {field.Id}) is {type ?? "of an unknown type"}: it takes {expected}, not {Describe(value)}."));
        }

        return ToJson(value);
    }

    public static T? Read<T>(KeapCustomField field, JsonElement content)
    {
        if (content.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return default;
        }

        try
        {
            object value = typeof(T) switch
            {
                var t when t == typeof(string) => content.ValueKind == JsonValueKind.String ? content.GetString()! : content.GetRawText(),
                var t when t == typeof(bool) => content.ValueKind == JsonValueKind.String ? bool.Parse(content.GetString()!) : content.GetBoolean(),
                var t when t == typeof(long) => long.Parse(Text(content), NumberStyles.Integer, CultureInfo.InvariantCulture),
                var t when t == typeof(int) => int.Parse(Text(content), NumberStyles.Integer, CultureInfo.InvariantCulture),
                var t when t == typeof(decimal) => decimal.Parse(Text(content), NumberStyles.Float, CultureInfo.InvariantCulture),
                var t when t == typeof(double) => double.Parse(Text(content), NumberStyles.Float, CultureInfo.InvariantCulture),
                var t when t == typeof(DateOnly) => content.Deserialize(KeapJsonContext.Default.DateOnly),
                var t when t == typeof(DateTimeOffset) => content.Deserialize(KeapJsonContext.Default.DateTimeOffset),
                var t when t == typeof(IReadOnlyList<string>) => content.ValueKind == JsonValueKind.Array
                    ? content.EnumerateArray().Select(Text).ToList()
                    : Text(content).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                _ => throw new InvalidCastException($"Custom field values cannot be read as {typeof(T).Name}."),
            };
            return (T)value;
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or JsonException or OverflowException)
        {
            throw new InvalidCastException(string.Create(
                CultureInfo.InvariantCulture,
                $"The value of custom field '{field.Label}' (id {field.Id}, {field.FieldType}) cannot be read as {typeof(T).Name}."), e);
        }
    }

    private static string Text(JsonElement element) => element.ValueKind == JsonValueKind.String ? element.GetString()! : element.GetRawText();

    private static bool IsInteger(object value) => value is int or long or short or byte or sbyte or ushort or uint or ulong;

    // A field without options in the model cannot be checked: let Keap judge.
    private static bool IsOption(KeapCustomField field, string value) =>
        field.Options.Count == 0 || field.Options.Any(o => string.Equals(o.Label, value, StringComparison.Ordinal) || string.Equals(o.Id, value, StringComparison.Ordinal));

    private static string OptionsText(KeapCustomField field, string lead) =>
        field.Options.Count == 0 ? "option text" : $"{lead} {string.Join(", ", field.Options.Select(o => $"'{o.Label}'"))}";

    private static string Describe(object value) => value is string s ? $"the string '{s}'" : $"a {value.GetType().Name} ({Convert.ToString(value, CultureInfo.InvariantCulture)})";

    private static JsonElement ToJson(object value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            switch (value)
            {
                case string s:
                    writer.WriteStringValue(s);
                    break;
                case bool b:
                    writer.WriteBooleanValue(b);
                    break;
                case DateOnly d:
                    writer.WriteStringValue(d.ToString(KeapDateConverter.Format, CultureInfo.InvariantCulture));
                    break;
                case DateTimeOffset t:
                    writer.WriteStringValue(KeapTimeConverter.ToText(t));
                    break;
                case IEnumerable<string> list:
                    writer.WriteStartArray();
                    foreach (var item in list)
                    {
                        writer.WriteStringValue(item);
                    }

                    writer.WriteEndArray();
                    break;
                case ulong u:
                    writer.WriteNumberValue(u);
                    break;
                case decimal m:
                    writer.WriteNumberValue(m);
                    break;
                case double or float:
                    writer.WriteNumberValue(Convert.ToDouble(value, CultureInfo.InvariantCulture));
                    break;
                default:
                    writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                    break;
            }
        }

        return Parse(buffer.WrittenMemory);
    }

    private static JsonElement Parse(ReadOnlyMemory<byte> json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
