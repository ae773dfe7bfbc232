using System.Globalization;
using Microsoft.Extensions.Options;

namespace Keap.ServiceAccount.Sandbox.Api;

/// <summary>Fixed-window request counters (UTC day, minute, second) on the sandbox clock.</summary>
internal sealed class SandboxQuota
{
    private readonly Lock _gate = new();
    private readonly KeapSandboxOptions _options;
    private readonly TimeProvider _time;
    private Window _day;
    private Window _minute;
    private Window _second;

    public SandboxQuota(IOptions<KeapSandboxOptions> options, TimeProvider time, KeapSandboxState state)
    {
        _options = options.Value;
        _time = time;
        state.Resetting += () =>
        {
            lock (_gate)
            {
                _day = _minute = _second = default;
            }
        };
    }

    /// <summary>Counts one request and writes the quota headers; false when a limit is spent.</summary>
    public bool TryAcquire(HttpResponse response)
    {
        var now = _time.GetUtcNow();
        var dayStart = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        var minuteStart = dayStart.AddMinutes(Math.Floor((now - dayStart).TotalMinutes));
        var secondStart = dayStart.AddSeconds(Math.Floor((now - dayStart).TotalSeconds));
        bool allowed;
        Window day, minute;
        lock (_gate)
        {
            _day = _day.Roll(dayStart);
            _minute = _minute.Roll(minuteStart);
            _second = _second.Roll(secondStart);
            allowed = _day.Used < _options.QuotaPerDay
                && _minute.Used < _options.QuotaPerMinute
                && (_options.ThrottlePerSecond is not { } perSecond || _second.Used < perSecond);
            if (allowed)
            {
                _day = _day with { Used = _day.Used + 1 };
                _minute = _minute with { Used = _minute.Used + 1 };
                _second = _second with { Used = _second.Used + 1 };
            }

            (day, minute) = (_day, _minute);
        }

        var headers = response.Headers;
        headers["x-keap-product-quota-limit"] = Text(_options.QuotaPerDay);
        headers["x-keap-product-quota-time-unit"] = "day";
        headers["x-keap-product-quota-interval"] = "1";
        headers["x-keap-product-quota-available"] = Text(Math.Max(0, _options.QuotaPerDay - day.Used));
        headers["x-keap-product-quota-used"] = Text(day.Used);
        headers["x-keap-product-quota-expiry-time"] = dayStart.AddDays(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        headers["x-keap-product-throttle-limit"] = Text(_options.QuotaPerMinute);
        headers["x-keap-product-throttle-time-unit"] = "minute";
        headers["x-keap-product-throttle-interval"] = "1";
        headers["x-keap-product-throttle-available"] = Text(Math.Max(0, _options.QuotaPerMinute - minute.Used));
        headers["x-keap-product-throttle-used"] = Text(minute.Used);
        return allowed;
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private readonly record struct Window(DateTimeOffset Start, int Used)
    {
        public Window Roll(DateTimeOffset start) => start == Start ? this : new Window(start, 0);
    }
}
