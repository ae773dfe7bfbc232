using System.Globalization;
using Microsoft.Extensions.Options;

namespace Keap.ServiceAccount.Sandbox.Api;

/// <summary>What <see cref="SandboxQuota.TryAcquire"/> decided.</summary>
internal enum SandboxAdmission
{
    Allowed,

    /// <summary>Refused by the spike arrest: no quota headers, nothing counted.</summary>
    SpikeArrest,

    /// <summary>Refused because the daily quota or a per-minute throttle is spent; the headers say which.</summary>
    QuotaViolation,
}

/// <summary>Fixed-window request counters (UTC day, minute, second) on the sandbox clock, in Keap's order: spike arrest first, then quota and throttles.</summary>
internal sealed class SandboxQuota
{
    private readonly Lock _gate = new();
    private readonly KeapSandboxOptions _options;
    private readonly TimeProvider _time;
    private readonly KeapSandboxState _state;
    private Window _day;
    private Window _minute;
    private Window _tenantMinute;
    private Window _second;

    public SandboxQuota(IOptions<KeapSandboxOptions> options, TimeProvider time, KeapSandboxState state)
    {
        _options = options.Value;
        _time = time;
        _state = state;
        state.Resetting += () =>
        {
            lock (_gate)
            {
                _day = _minute = _tenantMinute = _second = default;
            }
        };
    }

    /// <summary>Counts one request and writes the headers Keap would send with the answer.</summary>
    public SandboxAdmission TryAcquire(HttpResponse response)
    {
        var now = _time.GetUtcNow();
        var dayStart = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        var minuteStart = dayStart.AddMinutes(Math.Floor((now - dayStart).TotalMinutes));
        var secondStart = dayStart.AddSeconds(Math.Floor((now - dayStart).TotalSeconds));
        SandboxAdmission admission;
        Window day, minute, tenant;
        lock (_gate)
        {
            _day = _day.Roll(dayStart);
            _minute = _minute.Roll(minuteStart);
            _tenantMinute = _tenantMinute.Roll(minuteStart);
            _second = _second.Roll(secondStart);
            if (_options.SpikeArrestPerSecond is { } perSecond && _second.Used >= perSecond)
            {
                admission = SandboxAdmission.SpikeArrest;
            }
            else if (_day.Used >= _options.DailyQuota || _minute.Used >= _options.ThrottlePerMinute || _tenantMinute.Used >= _options.TenantThrottlePerMinute)
            {
                admission = SandboxAdmission.QuotaViolation;
            }
            else
            {
                admission = SandboxAdmission.Allowed;
                _day = _day.Next();
                _minute = _minute.Next();
                _tenantMinute = _tenantMinute.Next();
                _second = _second.Next();
            }

            (day, minute, tenant) = (_day, _minute, _tenantMinute);
        }

        if (admission == SandboxAdmission.SpikeArrest)
        {
            // Keap's spike arrest answers before the quota policy runs: no figures to report.
            _state.CountRefusal(admission);
            return admission;
        }

        if (admission == SandboxAdmission.QuotaViolation)
        {
            _state.CountRefusal(admission);
        }

        var headers = response.Headers;
        headers["x-keap-product-quota-limit"] = Text(_options.DailyQuota);
        headers["x-keap-product-quota-time-unit"] = "day";
        headers["x-keap-product-quota-interval"] = "1";
        headers["x-keap-product-quota-available"] = Text(Math.Max(0, _options.DailyQuota - day.Used));
        headers["x-keap-product-quota-used"] = Text(day.Used);
        headers["x-keap-product-quota-expiry-time"] = Expiry(dayStart.AddDays(1));
        headers["x-keap-product-throttle-limit"] = Text(_options.ThrottlePerMinute);
        headers["x-keap-product-throttle-time-unit"] = "minute";
        headers["x-keap-product-throttle-interval"] = "1";
        headers["x-keap-product-throttle-available"] = Text(Math.Max(0, _options.ThrottlePerMinute - minute.Used));
        headers["x-keap-product-throttle-used"] = Text(minute.Used);
        headers["x-keap-tenant-throttle-limit"] = Text(_options.TenantThrottlePerMinute);
        headers["x-keap-tenant-throttle-time-unit"] = "minute";
        headers["x-keap-tenant-throttle-interval"] = "1";
        headers["x-keap-tenant-throttle-available"] = Text(Math.Max(0, _options.TenantThrottlePerMinute - tenant.Used));
        headers["x-keap-tenant-throttle-used"] = Text(tenant.Used);
        if (_options.SpikeArrestPerSecond is { } limit && _options.AnnounceSpikeLimit)
        {
            headers["x-keap-product-spike-limit"] = Text(limit) + "ps";
        }

        return admission;
    }

    private string Expiry(DateTimeOffset at) => _options.QuotaExpiryFormat == KeapSandboxExpiryFormat.EpochMilliseconds
        ? at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)
        : at.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private readonly record struct Window(DateTimeOffset Start, int Used)
    {
        public Window Roll(DateTimeOffset start) => start == Start ? this : new Window(start, 0);

        public Window Next() => this with { Used = Used + 1 };
    }
}
