using System.Globalization;
using System.Net.Http.Headers;

namespace Keap.ServiceAccount.Http;

/// <summary>Reads Keap's quota and throttle headers.</summary>
internal static class KeapQuotaHeaders
{
    private const string Quota = "x-keap-product-quota-";
    private const string Throttle = "x-keap-product-throttle-";

    /// <summary>The snapshot the headers describe, or <see langword="null"/> when none is present.</summary>
    public static KeapQuotaSnapshot? Read(HttpResponseHeaders headers, DateTimeOffset now)
    {
        var snapshot = new KeapQuotaSnapshot
        {
            QuotaLimit = Number(headers, Quota + "limit"),
            QuotaAvailable = Number(headers, Quota + "available"),
            QuotaUsed = Number(headers, Quota + "used"),
            QuotaWindow = Window(headers, Quota),
            QuotaExpiresAt = Time(headers, Quota + "expiry-time"),
            ThrottleLimit = Number(headers, Throttle + "limit"),
            ThrottleAvailable = Number(headers, Throttle + "available"),
            ThrottleUsed = Number(headers, Throttle + "used"),
            ThrottleWindow = Window(headers, Throttle),
            ObservedAt = now,
        };
        return snapshot with { ObservedAt = default } == new KeapQuotaSnapshot() ? null : snapshot;
    }

    /// <summary>Reads <c>Retry-After</c> as a delay from <paramref name="now"/>.</summary>
    public static TimeSpan? RetryAfter(HttpResponseHeaders headers, DateTimeOffset now) => headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - now,
        _ => null,
    };

    private static string? Value(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault()?.Trim() : null;

    private static long? Number(HttpResponseHeaders headers, string name) =>
        long.TryParse(Value(headers, name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;

    private static TimeSpan? Window(HttpResponseHeaders headers, string prefix)
    {
        var interval = Number(headers, prefix + "interval") ?? 1;
        TimeSpan? unit = Value(headers, prefix + "time-unit")?.ToUpperInvariant() switch
        {
            "SECOND" or "SECONDS" => TimeSpan.FromSeconds(1),
            "MINUTE" or "MINUTES" => TimeSpan.FromMinutes(1),
            "HOUR" or "HOURS" => TimeSpan.FromHours(1),
            "DAY" or "DAYS" => TimeSpan.FromDays(1),
            _ => null,
        };
        return unit * interval;
    }

    private static DateTimeOffset? Time(HttpResponseHeaders headers, string name)
    {
        var value = Value(headers, name);
        if (value is null)
        {
            return null;
        }

        // Seen as ISO 8601 and as Unix time; milliseconds when the number is too large for seconds.
        if (long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var epoch))
        {
            return epoch > 100_000_000_000 ? DateTimeOffset.FromUnixTimeMilliseconds(epoch) : DateTimeOffset.FromUnixTimeSeconds(epoch);
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;
    }
}
