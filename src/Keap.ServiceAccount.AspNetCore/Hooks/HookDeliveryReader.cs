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
    /// A JSON number that is exactly a whole number: a fraction or exponent is allowed only if it leaves no fractional
    /// digit (<c>17.0</c>, <c>1.7e1</c>); 64 bits, as Keap's REST v1, which sends hooks, types its ids (<c>int64</c>).
    /// </summary>
    private const NumberStyles WholeNumber = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;

    /// <summary>
    /// The id as text. A whole number in Keap's 64-bit id range is written in its one plain form (<c>17.0</c> and
    /// <c>1.7e1</c> are contact 17, so they get 17's delivery key and look up contact 17); any other number stays as
    /// Keap wrote it.
    /// </summary>
    private static string? IdText(JsonElement id) => id.ValueKind switch
    {
        // Parsed on its digits, never through a double or decimal, which would round a number a hair from whole onto it.
        JsonValueKind.Number when long.TryParse(id.GetRawText(), WholeNumber, CultureInfo.InvariantCulture, out var whole) =>
            whole.ToString(CultureInfo.InvariantCulture),
        JsonValueKind.Number => id.GetRawText(),
        JsonValueKind.String when !string.IsNullOrWhiteSpace(id.GetString()) => id.GetString()!.Trim(),
        _ => null,
    };

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
