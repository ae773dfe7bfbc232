using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Keap.ServiceAccount.AspNetCore.Hooks;

/// <summary>
/// Turns a delivery body into a <see cref="KeapHookDelivery"/>, or says in one short sentence what is wrong with it.
/// The sentence never quotes the body's values (other than a well-formed event key), so it is safe to log and answer.
/// </summary>
internal static partial class HookDeliveryReader
{
    /// <summary>Keap batches at most 1,000 objects in one delivery.</summary>
    internal const int MaxObjects = 1000;

    /// <summary>
    /// The most digits a whole-number id is rewritten to (as many as a <see cref="decimal"/> holds): Keap's ids are 64-bit
    /// integers, so a longer number is no id of Keap's and stays as written rather than grow without limit (<c>1e999999999</c>).
    /// </summary>
    private const int MaxPlainDigits = 29;

    /// <summary>Reads <paramref name="body"/>; on success <paramref name="problem"/> is null.</summary>
    public static KeapHookDelivery? Read(ReadOnlySpan<byte> body, out string? problem)
    {
        HookDeliveryBody? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize(body, HookDeliveryJsonContext.Default.HookDeliveryBody);
        }
        catch (JsonException e)
        {
            // The position only: the serializer's message may quote the body.
            problem = string.Create(CultureInfo.InvariantCulture,
                $"the body is not a delivery's JSON (at {e.Path ?? "$"}, line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}).");
            return null;
        }

        if (parsed is null)
        {
            problem = "the body is JSON null, not a delivery object.";
            return null;
        }

        problem = Check(parsed);
        if (problem is not null)
        {
            return null;
        }

        var eventKey = parsed.EventKey!;
        var objects = new KeapHookObject[parsed.ObjectKeys!.Count];
        for (var i = 0; i < objects.Length; i++)
        {
            var entry = parsed.ObjectKeys[i]!;
            var id = IdText(entry.Id)!;
            var timestamp = ParseTimestamp(entry.Timestamp)!.Value;
            objects[i] = new KeapHookObject
            {
                Id = id,
                ApiUrl = string.IsNullOrEmpty(entry.ApiUrl) ? null : entry.ApiUrl,
                Timestamp = timestamp,
                DeliveryKey = DeliveryKey(eventKey, id, timestamp),
            };
        }

        return new KeapHookDelivery { EventKey = new KeapHookEventKey(eventKey), ObjectType = parsed.ObjectType!, Objects = objects };
    }

    /// <summary>The stable key of one change: <c>{event_key}:{id}:{timestamp in UTC, round-trip format}</c>.</summary>
    internal static string DeliveryKey(string eventKey, string id, DateTimeOffset timestamp) =>
        string.Create(CultureInfo.InvariantCulture, $"{eventKey}:{id}:{timestamp.UtcDateTime:O}");

    /// <summary>The event key as it may appear in a log: itself when it looks like Keap's <c>noun.verb</c>, else a placeholder.</summary>
    internal static string Printable(string? eventKey) =>
        eventKey is not null && eventKey.Length <= 64 && EventKeyShape().IsMatch(eventKey) ? eventKey : "(an unreadable event key)";

    private static string? Check(HookDeliveryBody body)
    {
        if (string.IsNullOrWhiteSpace(body.EventKey))
        {
            return "event_key is missing or blank.";
        }

        if (string.IsNullOrWhiteSpace(body.ObjectType))
        {
            return "object_type is missing or blank.";
        }

        if (body.ObjectKeys is null)
        {
            return "object_keys is missing (an array of {id, apiUrl, timestamp} is expected).";
        }

        if (body.ObjectKeys.Count == 0)
        {
            return "object_keys is empty.";
        }

        if (body.ObjectKeys.Count > MaxObjects)
        {
            return string.Create(CultureInfo.InvariantCulture, $"object_keys has {body.ObjectKeys.Count} entries; Keap sends at most {MaxObjects:N0}.");
        }

        for (var i = 0; i < body.ObjectKeys.Count; i++)
        {
            var entry = body.ObjectKeys[i];
            if (entry is null)
            {
                return string.Create(CultureInfo.InvariantCulture, $"object_keys[{i}] is null, not an object.");
            }

            if (IdText(entry.Id) is null)
            {
                return string.Create(CultureInfo.InvariantCulture, $"object_keys[{i}].id is missing, blank, or neither a number nor a string.");
            }

            if (ParseTimestamp(entry.Timestamp) is null)
            {
                return string.Create(CultureInfo.InvariantCulture, $"object_keys[{i}].timestamp is missing or not an ISO-8601 date and time.");
            }
        }

        return null;
    }

    /// <summary>
    /// The id as text. A whole number is written in its one plain form (<c>17.0</c> and <c>1.7e1</c> are contact 17, so
    /// they get 17's delivery key and look up contact 17); any other number stays as Keap wrote it.
    /// </summary>
    private static string? IdText(JsonElement id) => id.ValueKind switch
    {
        JsonValueKind.Number => PlainWholeNumber(id.GetRawText()) ?? id.GetRawText(),
        JsonValueKind.String when !string.IsNullOrWhiteSpace(id.GetString()) => id.GetString()!.Trim(),
        _ => null,
    };

    /// <summary>
    /// <paramref name="number"/> (a JSON number) in plain integer form when it is exactly a whole number of at most
    /// <see cref="MaxPlainDigits"/> digits, else null. Worked out on the digits: a decimal or a double would round a
    /// number a hair from a whole one onto it (<c>17.0000000000000000000000000001</c> would become contact 17).
    /// </summary>
    private static string? PlainWholeNumber(string number)
    {
        var exponentAt = number.AsSpan().IndexOfAny('e', 'E');
        var mantissa = (exponentAt < 0 ? number : number[..exponentAt]).TrimStart('-');
        var point = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = (point < 0 ? mantissa : mantissa.Remove(point, 1)).TrimStart('0');
        if (digits.Length == 0)
        {
            return "0"; // -0, 0.0 and 0e9 are all zero
        }

        // The exponent may have any number of digits (JSON sets no limit): beyond nine it is out of an id's reach.
        var exponentText = exponentAt < 0 ? "0" : number[(exponentAt + 1)..].TrimStart('+');
        var exponentDigits = exponentText.TrimStart('-').TrimStart('0');
        if (exponentDigits.Length > 9)
        {
            return null;
        }

        var significant = digits.TrimEnd('0');
        var exponent = (exponentDigits.Length == 0 ? 0 : long.Parse(exponentDigits, CultureInfo.InvariantCulture)) * (exponentText.StartsWith('-') ? -1 : 1)
            - (point < 0 ? 0 : mantissa.Length - point - 1)
            + (digits.Length - significant.Length);
        return exponent < 0 || significant.Length + exponent > MaxPlainDigits
            ? null
            : (number.StartsWith('-') ? "-" : string.Empty) + significant + new string('0', (int)exponent);
    }

    /// <summary>An ISO-8601 date and time; one without an offset is UTC, as Keap sends them.</summary>
    private static DateTimeOffset? ParseTimestamp(string? text) =>
        text is not null
        && IsoTimestamp().IsMatch(text)
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
            ? parsed.ToUniversalTime()
            : null;

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:?\d{2})?$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoTimestamp();

    [GeneratedRegex(@"^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex EventKeyShape();
}
