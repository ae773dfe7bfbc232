using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Keap.ServiceAccount.Sandbox.Api;

/// <summary>
/// The part of Keap's contact list <c>filter</c> the sandbox understands: <c>;</c>-separated <c>name==value</c> clauses on
/// <c>email</c>, <c>given_name</c>, <c>family_name</c> (a trailing <c>*</c> matches a prefix) and
/// <c>start_update_time</c> / <c>end_update_time</c> (ISO 8601 with milliseconds and an offset, as the spec requires).
/// </summary>
internal static class ContactFilter
{
    public static bool TryParse(string? filter, out Func<JsonObject, bool> matches, [NotNullWhen(false)] out string? error)
    {
        var clauses = new List<Func<JsonObject, bool>>();
        matches = c => clauses.TrueForAll(clause => clause(c));
        error = null;
        foreach (var clause in (filter ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var at = clause.IndexOf("==", StringComparison.Ordinal);
            var name = at < 0 ? clause : clause[..at];
            var value = at < 0 ? "" : clause[(at + 2)..];
            if (at <= 0 || value.Length == 0)
            {
                error = $"Unsupported filter clause '{clause}'; use name==value";
                return false;
            }

            Func<JsonObject, bool>? test = name switch
            {
                "email" => c => EmailsOf(c).Any(e => Matches(e, value)),
                "given_name" or "family_name" => c => Matches((string?)c[name], value),
                "start_update_time" or "end_update_time" when TryTime(value, out var time) => name == "start_update_time"
                    ? c => Time(c) >= time
                    : c => Time(c) <= time,
                _ => null,
            };
            if (test is null)
            {
                error = name.EndsWith("_update_time", StringComparison.Ordinal)
                    ? $"{name} must be an ISO 8601 date-time with milliseconds and an offset, e.g. 2026-01-01T00:00:00.000Z"
                    : $"Unsupported filter field '{name}'";
                return false;
            }

            clauses.Add(test);
        }

        return true;
    }

    private static IEnumerable<string> EmailsOf(JsonObject contact) =>
        (contact["email_addresses"] as JsonArray ?? []).Select(e => (string?)e?["email"]).OfType<string>();

    private static bool Matches(string? actual, string pattern) => actual is not null && (pattern.EndsWith('*')
        ? actual.StartsWith(pattern[..^1], StringComparison.OrdinalIgnoreCase)
        : string.Equals(actual, pattern, StringComparison.OrdinalIgnoreCase));

    private static DateTimeOffset Time(JsonObject contact) =>
        DateTimeOffset.Parse((string)contact["update_time"]!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private static bool TryTime(string value, out DateTimeOffset time) =>
        DateTimeOffset.TryParseExact(value, ["yyyy-MM-dd'T'HH:mm:ss.fffK", "yyyy-MM-dd'T'HH:mm:ss.fffzzz"], CultureInfo.InvariantCulture, DateTimeStyles.None, out time);
}
