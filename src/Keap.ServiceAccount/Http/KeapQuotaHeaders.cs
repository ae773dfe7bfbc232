using System.Globalization;
using System.Net.Http.Headers;

namespace Keap.ServiceAccount.Http;

/// <summary>
/// Reads Keap's quota headers in one pass over the response headers, without allocating: the raw header strings are
/// read unvalidated and parsed as spans.
/// </summary>
internal static class KeapQuotaHeaders
{
    private const string Prefix = "x-keap-";
    private const string Quota = "product-quota-";
    private const string Throttle = "product-throttle-";
    private const string TenantThrottle = "tenant-throttle-";
    private const string SpikeLimit = "product-spike-limit";

    // Epoch values above this are milliseconds: as seconds they would lie past the year 5000.
    private const long LargestEpochSeconds = 100_000_000_000;

    // The last millisecond a DateTimeOffset holds (9999-12-31): anything later is not a time, and must not throw.
    private static readonly long LargestEpochMilliseconds = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    /// <summary>Fills <paramref name="figures"/> from the headers; false when none of Keap's quota headers is present.</summary>
    public static bool TryRead(HttpResponseHeaders headers, DateTimeOffset now, out KeapQuotaFigures figures)
    {
        figures = default;
        var found = false;
        foreach (var header in headers.NonValidated)
        {
            var name = header.Key;
            if (!name.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var value = First(header.Value).AsSpan().Trim();
            var rest = name.AsSpan(Prefix.Length);
            if (rest.StartsWith(Quota, StringComparison.OrdinalIgnoreCase))
            {
                found |= ReadField(ref figures.Quota, rest[Quota.Length..], value);
            }
            else if (rest.StartsWith(Throttle, StringComparison.OrdinalIgnoreCase))
            {
                found |= ReadField(ref figures.Throttle, rest[Throttle.Length..], value);
            }
            else if (rest.StartsWith(TenantThrottle, StringComparison.OrdinalIgnoreCase))
            {
                found |= ReadField(ref figures.TenantThrottle, rest[TenantThrottle.Length..], value);
            }
            else if (rest.Equals(SpikeLimit, StringComparison.OrdinalIgnoreCase) && PerSecond(value) is { } spike)
            {
                figures.SpikeLimitPerSecond = spike;
                found = true;
            }
        }

        figures.ObservedAt = now;
        return found;
    }

    /// <summary>
    /// The wait the server asked for: <c>Retry-After</c> on any response (Keap on 429, proxies on 503), else on a 429
    /// the daily quota's reset when it is spent; <see langword="null"/> when it asked for none.
    /// </summary>
    public static TimeSpan? ServerDelay(HttpResponseMessage response, DateTimeOffset now)
    {
        if (RetryAfter(response.Headers, now) is { } retryAfter)
        {
            return retryAfter > TimeSpan.Zero ? retryAfter : TimeSpan.Zero;
        }

        return response.StatusCode == System.Net.HttpStatusCode.TooManyRequests
            && TryRead(response.Headers, now, out var figures)
            && figures.Quota is { IsSpent: true, ExpiresAt: { } expires }
            && expires > now
            ? expires - now
            : null;
    }

    /// <summary>Reads <c>Retry-After</c> as a delay from <paramref name="now"/>.</summary>
    public static TimeSpan? RetryAfter(HttpResponseHeaders headers, DateTimeOffset now) => headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - now,
        _ => null,
    };

    /// <summary>
    /// Reads a time Keap wrote as ISO 8601 or as Unix time (milliseconds, or seconds when the number is too small for
    /// milliseconds); both have been seen in <c>x-keap-product-quota-expiry-time</c>.
    /// </summary>
    public static DateTimeOffset? Time(ReadOnlySpan<char> value)
    {
        if (long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var epoch))
        {
            // Before 1970 or past year 9999: unreadable, like any other garbage, instead of an exception on every response.
            return epoch is < 0 || epoch > LargestEpochMilliseconds ? null
                : epoch > LargestEpochSeconds ? DateTimeOffset.FromUnixTimeMilliseconds(epoch) : DateTimeOffset.FromUnixTimeSeconds(epoch);
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;
    }

    /// <summary>Reads a spike limit such as <c>10ps</c> (per second) or <c>600pm</c> (per minute) as requests per second.</summary>
    public static double? PerSecond(ReadOnlySpan<char> value)
    {
        var perMinute = value.EndsWith("pm", StringComparison.OrdinalIgnoreCase);
        if (perMinute || value.EndsWith("ps", StringComparison.OrdinalIgnoreCase))
        {
            value = value[..^2];
        }

        return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) && rate > 0
            ? (perMinute ? rate / 60 : rate)
            : null;
    }

    private static string? First(HeaderStringValues values)
    {
        foreach (var value in values)
        {
            return value;
        }

        return null;
    }

    private static bool ReadField(ref KeapQuotaWindow window, ReadOnlySpan<char> field, ReadOnlySpan<char> value)
    {
        if (field.Equals("limit", StringComparison.OrdinalIgnoreCase))
        {
            window.Limit = Number(value);
        }
        else if (field.Equals("available", StringComparison.OrdinalIgnoreCase))
        {
            window.Available = Number(value);
        }
        else if (field.Equals("used", StringComparison.OrdinalIgnoreCase))
        {
            window.Used = Number(value);
        }
        else if (field.Equals("interval", StringComparison.OrdinalIgnoreCase))
        {
            window.Interval = Number(value);
        }
        else if (field.Equals("time-unit", StringComparison.OrdinalIgnoreCase))
        {
            window.Unit = Unit(value);
        }
        else if (field.Equals("expiry-time", StringComparison.OrdinalIgnoreCase))
        {
            window.ExpiresAt = Time(value);
        }
        else
        {
            return false;
        }

        return true;
    }

    private static long? Number(ReadOnlySpan<char> value) =>
        long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;

    private static TimeSpan? Unit(ReadOnlySpan<char> value)
    {
        // Keap writes "Day", "minute"…; a trailing "s" is accepted too.
        if (value.EndsWith("s", StringComparison.OrdinalIgnoreCase))
        {
            value = value[..^1];
        }

        return value switch
        {
            _ when value.Equals("second", StringComparison.OrdinalIgnoreCase) => TimeSpan.FromSeconds(1),
            _ when value.Equals("minute", StringComparison.OrdinalIgnoreCase) => TimeSpan.FromMinutes(1),
            _ when value.Equals("hour", StringComparison.OrdinalIgnoreCase) => TimeSpan.FromHours(1),
            _ when value.Equals("day", StringComparison.OrdinalIgnoreCase) => TimeSpan.FromDays(1),
            _ => null,
        };
    }
}
