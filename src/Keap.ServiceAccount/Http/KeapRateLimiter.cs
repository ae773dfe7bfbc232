using System.Diagnostics.CodeAnalysis;
using System.Threading.RateLimiting;
using Keap.ServiceAccount.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Keap.ServiceAccount.Http;

/// <summary>
/// Spaces API attempts to stay under Keap's limits for the credential in use, queueing callers (bounded, cancellable,
/// oldest first) instead of letting Keap refuse them. Adaptive: a 429 narrows the rate and holds every attempt for as
/// long as Keap asked (<c>Retry-After</c>, the quota's reset, or the spike arrest's one-second window); answers that
/// carry Keap's quota headers widen it again, so instances that share an app converge under its limits.
/// </summary>
/// <remarks>
/// The schedule is a cell-rate algorithm on the <see cref="TimeProvider"/> (testable with a fake clock): an attempt may
/// start once the previous one's slot plus the interval, less a tolerance, has come. The tolerance absorbs timer
/// lateness; it is half an interval, but never more than 30 ms nor less than a millisecond. A one-second window holds
/// at most 1 + rate × (1 s + tolerance) attempts: with the rate at <see cref="Utilization"/> of Keap's limit and the
/// tolerance at most the remaining 3 % of a second, that stays below the limit plus one, so a window never sees more
/// than Keap allows (half an interval alone let 11 attempts into one second at 10 a second). A timer cannot wait less
/// than a millisecond, so a shorter tolerance would make a wait last a whole timer tick; only rates above 500 a second,
/// far beyond Keap's limits, see that minimum.
/// The waiting line is a <see cref="ConcurrencyLimiter"/> of one: its holder waits for the next slot, the others
/// queue; a newcomer takes a slot that has come at once (without allocating) only while nobody is in line.
/// </remarks>
internal sealed class KeapRateLimiter : RateLimiter
{
    /// <summary>The share of Keap's limit the limiter aims at, leaving room for clock and network jitter.</summary>
    internal const double Utilization = 0.97;

    /// <summary>How long Keap's spike arrest counts: a bare 429 holds attempts this long.</summary>
    internal static readonly TimeSpan SpikeWindow = TimeSpan.FromSeconds(1);

    // On a 429 the rate drops to this share of itself, at most once per spike window; it never drops below
    // MinimumShare of the allowance. Each second of answers without one adds WidenShare of the allowance back.
    private const double NarrowFactor = 0.75;
    private const double MinimumShare = 0.05;
    private const double WidenShare = 0.1;

    private static readonly long MinimumTolerance = TimeSpan.TicksPerMillisecond;

    // (1 - Utilization) of the spike window: see the remarks for why no more.
    private static readonly long MaximumTolerance = (long)(SpikeWindow.Ticks * (1 - Utilization));

    private readonly Lock _gate = new();
    private readonly ConcurrencyLimiter _line;
    private readonly TimeProvider _time;
    private readonly KeapQuotaMonitor _monitor;
    private readonly ILogger _logger;
    private readonly bool _limited;
    private readonly bool _pacing;
    private readonly double _configured;
    private readonly double _share;
    private readonly long _maxWait;
    private double _allowed;
    private double _rate;
    private long _interval;
    private long _next;
    private long _lastGrant;
    private long _heldUntil;
    private long _waitingUntil;
    private int _inLine;
    private long _lastChange;
    private long _granted;
    private long _refused;

    public KeapRateLimiter(IOptions<KeapServiceAccountOptions> options, TimeProvider time, KeapQuotaMonitor monitor, ILogger<KeapRateLimiter> logger)
    {
        var o = options.Value;
        var limits = o.RateLimit;
        _time = time;
        _monitor = monitor;
        _logger = logger;
        _limited = limits.Enabled;
        _pacing = o.Api.QuotaPacing;
        _share = limits.InstanceShare;
        _maxWait = o.Api.Timeouts.Total.Ticks;
        _configured = AllowedRate(o);
        _allowed = _rate = _configured;
        _interval = Interval(_rate);
        _line = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = 1,
            QueueLimit = limits.QueueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    /// <summary>The rate attempts may start at now, in requests per second.</summary>
    public double CurrentRate
    {
        get
        {
            lock (_gate)
            {
                return _rate;
            }
        }
    }

    /// <summary>When the call at the head of the line may start, while it waits; <see langword="null"/> when none waits.</summary>
    public DateTimeOffset? WaitingUntil
    {
        get
        {
            lock (_gate)
            {
                return _waitingUntil == 0 ? null : new DateTimeOffset(_waitingUntil, TimeSpan.Zero);
            }
        }
    }

    /// <summary>The calls waiting for their turn.</summary>
    public long QueuedCount => _line.GetStatistics()?.CurrentQueuedCount ?? 0;

    /// <inheritdoc/>
    public override TimeSpan? IdleDuration => null;

    /// <summary>
    /// The rate Keap allows this process for its credential, in requests per second, already reduced to
    /// <see cref="Utilization"/>: the spike arrest, the app's and the account's per-minute throttles, times the
    /// instance share.
    /// </summary>
    public static double AllowedRate(KeapServiceAccountOptions options)
    {
        var limits = options.RateLimit;
        var key = options.UsesServiceAccountKey;
        var perSecond = limits.RequestsPerSecond ?? (key ? KeapRateLimitOptions.ServiceAccountKeyRequestsPerSecond : KeapRateLimitOptions.OAuthRequestsPerSecond);
        var perMinute = limits.RequestsPerMinute ?? (key ? KeapRateLimitOptions.ServiceAccountKeyRequestsPerMinute : KeapRateLimitOptions.OAuthRequestsPerMinute);
        return Math.Min(perSecond, Math.Min(perMinute, limits.AccountRequestsPerMinute) / 60.0) * limits.InstanceShare * Utilization;
    }

    /// <inheritdoc/>
    public override RateLimiterStatistics? GetStatistics()
    {
        var line = _line.GetStatistics();
        return new RateLimiterStatistics
        {
            CurrentAvailablePermits = line?.CurrentAvailablePermits ?? 0,
            CurrentQueuedCount = line?.CurrentQueuedCount ?? 0,
            TotalSuccessfulLeases = Interlocked.Read(ref _granted),
            TotalFailedLeases = Interlocked.Read(ref _refused),
        };
    }

    /// <summary>
    /// Keap refused an attempt with a 429: hold every attempt for <paramref name="hold"/> and narrow the rate, once per
    /// spike window however many in-flight attempts come back refused.
    /// </summary>
    public void Refused(DateTimeOffset now, TimeSpan hold)
    {
        var at = now.UtcTicks;
        lock (_gate)
        {
            _heldUntil = Math.Max(_heldUntil, at + hold.Ticks);
            if (!_limited || at - _lastChange < SpikeWindow.Ticks)
            {
                return;
            }

            SetRate(Math.Max(_allowed * MinimumShare, _rate * NarrowFactor), at);
        }

        ApiLog.RateNarrowed(_logger, CurrentRate, hold);
    }

    /// <summary>
    /// Keap answered without refusing and sent its quota headers: widen the rate towards the allowance, and take a
    /// lower spike limit from <c>x-keap-product-spike-limit</c>.
    /// </summary>
    public void Answered(DateTimeOffset now, in KeapQuotaFigures figures)
    {
        if (!_limited)
        {
            return;
        }

        var at = now.UtcTicks;
        lock (_gate)
        {
            if (figures.SpikeLimitPerSecond is { } spike)
            {
                _allowed = Math.Min(_configured, spike * _share * Utilization);
            }

            if (_rate > _allowed)
            {
                SetRate(_allowed, at);
            }
            else if (_rate < _allowed && at - _lastChange >= SpikeWindow.Ticks && !figures.Throttle.IsSpent && !figures.TenantThrottle.IsSpent)
            {
                SetRate(Math.Min(_allowed, _rate + (_allowed * WidenShare)), at);
            }
        }
    }

    /// <inheritdoc/>
    protected override RateLimitLease AttemptAcquireCore(int permitCount) =>
        TryTake(alone: true, out var wait, out var refusal) ? Granted() : refusal ?? Refuse(wait);

    /// <summary>
    /// Waits for <paramref name="request"/>'s turn. While it waits, the request carries
    /// <see cref="KeapRequestMarks.WaitingForTurn"/>, so that a call whose time runs out in the line is reported as not
    /// sent rather than unanswered.
    /// </summary>
    public ValueTask<RateLimitLease> AcquireAsync(HttpRequestMessage? request, CancellationToken cancellationToken) =>
        // Nobody waiting and the slot has come: the common case takes it without allocating.
        TryTake(alone: true, out _, out var refusal)
            ? ValueTask.FromResult<RateLimitLease>(Granted())
            : refusal is not null ? ValueTask.FromResult<RateLimitLease>(refusal) : WaitInLineAsync(request, cancellationToken);

    /// <inheritdoc/>
    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        AcquireAsync(null, cancellationToken);

    private async ValueTask<RateLimitLease> WaitInLineAsync(HttpRequestMessage? request, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _inLine++;
        }

        request?.Options.Set(KeapRequestMarks.WaitingForTurn, true);
        try
        {
            using var turn = await _line.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
            var lease = turn.IsAcquired ? await WaitForSlotAsync(cancellationToken).ConfigureAwait(false) : Refuse(null);

            // Left set only when the wait ended in cancellation: the total timeout or the caller.
            request?.Options.Set(KeapRequestMarks.WaitingForTurn, false);
            return lease;
        }
        finally
        {
            lock (_gate)
            {
                _inLine--;
            }
        }
    }

    /// <summary>As the head of the line: waits until the next slot has come, then takes it.</summary>
    private async ValueTask<RateLimitLease> WaitForSlotAsync(CancellationToken cancellationToken)
    {
        var paced = false;
        while (!TryTake(alone: false, out var wait, out var refusal))
        {
            if (refusal is not null)
            {
                return refusal;
            }

            if (!paced && wait.Reason == WaitReason.Pacing)
            {
                // Once per call: the wait is logged when it starts, not again when it is re-checked.
                paced = true;
                var figures = _monitor.TryGetFigures(out var f) ? f : default;
                ApiLog.PacingDelay(_logger, wait.Delay, figures.Throttle.Available, figures.Quota.Available);
            }

            try
            {
                // Task.Delay completes at once below a millisecond, which would spin: wait whole milliseconds.
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(wait.Delay.TotalMilliseconds)), _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                lock (_gate)
                {
                    _waitingUntil = 0;
                }

                throw;
            }
        }

        return Granted();
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _line.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <inheritdoc/>
    protected override ValueTask DisposeAsyncCore()
    {
        _line.Dispose();
        return base.DisposeAsyncCore();
    }

    private static long Interval(double rate) => rate > 0 && double.IsFinite(rate) ? (long)(TimeSpan.TicksPerSecond / rate) : 0;

    private void SetRate(double rate, long at)
    {
        _rate = rate;
        _interval = _limited ? Interval(rate) : 0;
        _lastChange = at;
    }

    /// <summary>Takes the next slot if it has come; otherwise says how long to wait, or refuses a wait longer than a call may take.</summary>
    /// <param name="alone">Take it only when nobody waits in line, so that a newcomer never overtakes the line.</param>
    /// <param name="wait">How long until the slot comes, when it has not.</param>
    /// <param name="refusal">A refusal when the wait is longer than a call may take.</param>
    private bool TryTake(bool alone, out Wait wait, out RateLimitLease? refusal)
    {
        refusal = null;
        var now = _time.GetUtcNow();
        var at = now.UtcTicks;
        var pacing = _pacing ? _monitor.PacingInterval(now).Ticks : 0;
        lock (_gate)
        {
            var interval = _limited ? _interval : 0;
            var tolerance = interval == 0 ? 0 : Math.Clamp(interval / 2, MinimumTolerance, MaximumTolerance);
            var bySchedule = _next - tolerance;
            var byPacing = pacing > 0 ? _lastGrant + pacing : 0;
            var earliest = Math.Max(Math.Max(bySchedule, byPacing), _heldUntil);
            if (alone && (_inLine > 0 || earliest > at))
            {
                wait = new Wait(TimeSpan.FromTicks(Math.Max(earliest - at, 0)), WaitReason.Schedule);
                refusal = earliest - at > _maxWait ? Refuse(wait.Delay) : null;
                return false;
            }

            if (earliest <= at)
            {
                _next = Math.Max(_next, at) + interval;
                _lastGrant = at;
                _waitingUntil = 0;
                wait = default;
                return true;
            }

            var delay = TimeSpan.FromTicks(earliest - at);
            wait = new Wait(delay, byPacing == earliest && byPacing > Math.Max(bySchedule, _heldUntil) ? WaitReason.Pacing : WaitReason.Schedule);
            if (earliest - at > _maxWait)
            {
                _waitingUntil = 0;
                refusal = Refuse(delay);
            }
            else
            {
                _waitingUntil = earliest;
            }

            return false;
        }
    }

    private Lease Granted()
    {
        Interlocked.Increment(ref _granted);
        return Lease.Granted;
    }

    private Lease Refuse(TimeSpan? retryAfter)
    {
        Interlocked.Increment(ref _refused);
        if (retryAfter is { } after)
        {
            ApiLog.RateLimitPaused(_logger, after);
        }
        else
        {
            ApiLog.RateLimitQueueFull(_logger);
        }

        return new Lease(false, retryAfter);
    }

    private Lease Refuse(Wait wait) => Refuse(wait.Delay == TimeSpan.Zero ? null : wait.Delay);

    private enum WaitReason
    {
        Schedule,
        Pacing,
    }

    private readonly record struct Wait(TimeSpan Delay, WaitReason Reason);

    /// <summary>A granted lease (shared: there is nothing to release) or a refusal, with <c>Retry-After</c> when Keap asked for a pause.</summary>
    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public static readonly Lease Granted = new(true, null);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, [NotNullWhen(true)] out object? metadata)
        {
            metadata = retryAfter;
            return retryAfter is not null && metadataName == MetadataName.RetryAfter.Name;
        }
    }
}
