namespace Keap.ServiceAccount.Http;

/// <summary>
/// The limits the schedule applies, adapted to what Keap says: a 429 narrows them, answers with Keap's quota headers
/// widen them again (so instances that share an app converge under its limits), a lower
/// <c>x-keap-product-spike-limit</c> lowers the per-second limit, and the per-minute throttle's figures say whether
/// the minute's budget may be spent in bursts. Not thread-safe: <see cref="KeapRateLimiter"/> calls it under its lock.
/// </summary>
/// <remarks>
/// Bursting needs Keap's word: a process that starts does not know what the credential sent in the last minute (a
/// previous run, another instance), so it keeps the steady per-minute pace until an answer's throttle figures show
/// that everything Keap counted in its window was sent by this process. Then its own record of starts says exactly
/// when the window frees, and it may spend the budget at the per-second limit. Any 429, a tenant throttle that is
/// spent, or a window with someone else's requests in it returns it to the steady pace.
/// </remarks>
internal sealed class KeapAdaptiveRate
{
    // On a 429 the limits drop to this share of themselves, at most once per spike window; never below MinimumShare
    // of the allowance. Each second of answers without one adds WidenShare of the allowance back.
    private const double NarrowFactor = 0.75;
    private const double MinimumShare = 0.05;
    private const double WidenShare = 0.1;

    private readonly bool _limited;
    private readonly double _share;
    private readonly double _configuredPerSecond;
    private readonly double _perMinute;
    private double _perSecond;
    private double _level = 1;
    private long _lastChange;
    private long _windowOursAt;

    /// <summary>Reads the configured limits for the credential in use.</summary>
    public KeapAdaptiveRate(KeapServiceAccountOptions options)
    {
        var limits = options.RateLimit;
        var key = options.UsesServiceAccountKey;
        _limited = limits.Enabled;
        _share = limits.InstanceShare;
        var perSecond = limits.RequestsPerSecond ?? (key ? KeapRateLimitOptions.ServiceAccountKeyRequestsPerSecond : KeapRateLimitOptions.OAuthRequestsPerSecond);
        var perMinute = limits.RequestsPerMinute ?? (key ? KeapRateLimitOptions.ServiceAccountKeyRequestsPerMinute : KeapRateLimitOptions.OAuthRequestsPerMinute);
        _configuredPerSecond = _perSecond = perSecond * _share * KeapRateLimiter.Utilization;
        _perMinute = Math.Min(perMinute, limits.AccountRequestsPerMinute) * _share;
    }

    /// <summary>
    /// The steady rate, in requests per second: the per-second limit or the per-minute budget spread evenly, whichever
    /// is lower, already reduced to <see cref="KeapRateLimiter.Utilization"/> and narrowed by 429s.
    /// </summary>
    public double SteadyRate => Math.Min(_perSecond, _perMinute / 60 * KeapRateLimiter.Utilization) * _level;

    /// <summary>What the schedule may grant at <paramref name="at"/> (UTC ticks).</summary>
    public KeapRateAllowance Allowance(long at)
    {
        if (!_limited)
        {
            return KeapRateAllowance.Unlimited;
        }

        var perSecond = _perSecond * _level;

        // The per-second schedule alone keeps every window under the budget: at most one start plus the rate times the
        // window and its tolerance. Then the window need not be counted.
        var budget = 1 + (perSecond * (KeapRateSchedule.Window + KeapRateSchedule.MaximumTolerance).TotalSeconds) <= _perMinute * _level
            ? int.MaxValue
            : (int)Math.Clamp(Math.Floor(_perMinute * _level), 1, int.MaxValue - 1);
        return new KeapRateAllowance(Interval(perSecond), Interval(SteadyRate), budget, WindowIsOurs(at));
    }

    /// <summary>
    /// Keap refused an attempt with a 429 at <paramref name="at"/> (UTC ticks): back to the steady pace, and narrow the
    /// limits once per spike window however many in-flight attempts come back refused. Returns whether it narrowed.
    /// </summary>
    public bool Narrow(long at)
    {
        _windowOursAt = 0;
        if (!_limited || at - _lastChange < KeapRateLimiter.SpikeWindow.Ticks)
        {
            return false;
        }

        _level = Math.Max(MinimumShare, _level * NarrowFactor);
        _lastChange = at;
        return true;
    }

    /// <summary>
    /// Keap answered without refusing and sent its quota headers: widen towards the allowance, take a lower spike limit,
    /// and note whether its per-minute window holds only starts that <paramref name="schedule"/> recorded.
    /// </summary>
    public void Widen(long at, in KeapQuotaFigures figures, KeapRateSchedule schedule)
    {
        if (!_limited)
        {
            return;
        }

        if (figures.SpikeLimitPerSecond is { } spike)
        {
            _perSecond = Math.Min(_configuredPerSecond, spike * _share * KeapRateLimiter.Utilization);
        }

        var throttle = figures.Throttle;
        var used = throttle.Used ?? throttle.Limit - throttle.Available;
        var ours = used is { } counted && throttle.Length is { } length && length <= KeapRateSchedule.Window
            && counted <= schedule.StartedSince(at - length.Ticks);
        _windowOursAt = ours && !figures.TenantThrottle.IsSpent ? Math.Max(at, 1) : 0;

        if (_level < 1 && at - _lastChange >= KeapRateLimiter.SpikeWindow.Ticks && !throttle.IsSpent && !figures.TenantThrottle.IsSpent)
        {
            _level = Math.Min(1, _level + WidenShare);
            _lastChange = at;
        }
    }

    /// <summary>Whether Keap's per-minute window holds only this process's starts (its spent throttle is then this process's own).</summary>
    public bool WindowIsOurs(long at) => _windowOursAt != 0 && at - _windowOursAt < KeapRateSchedule.Window.Ticks;

    private static long Interval(double rate) => rate > 0 && double.IsFinite(rate) ? (long)(TimeSpan.TicksPerSecond / rate) : 0;
}
