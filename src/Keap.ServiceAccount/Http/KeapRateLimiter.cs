using System.Threading.RateLimiting;
using Keap.ServiceAccount.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Keap.ServiceAccount.Http;

/// <summary>
/// Keeps API attempts under Keap's limits for the credential in use, queueing callers (bounded, cancellable, oldest
/// first) instead of letting Keap refuse them: never more than the per-second limit in any second, never more than the
/// per-minute limit in any minute. Adaptive: a 429 narrows the limits and holds every attempt for as long as Keap asked
/// (<c>Retry-After</c>, the quota's reset, or the spike arrest's one-second window); answers that carry Keap's quota
/// headers widen them again, so instances that share an app converge under its limits.
/// </summary>
/// <remarks>
/// Three parts, all on the <see cref="TimeProvider"/> (testable with a fake clock): <see cref="KeapRateSchedule"/> says
/// when the next attempt may start, <see cref="KeapAdaptiveRate"/> adapts the limits it applies to Keap's answers, and
/// <see cref="KeapRateLine"/> is the waiting line; this class holds the lock around the first two and hands out turns.
/// A newcomer takes a slot that has come at once (without allocating) only while nobody is in line.
/// The per-minute window is counted here rather than by <see cref="SlidingWindowRateLimiter"/>: that one reads the
/// machine's clock, not a <see cref="TimeProvider"/>, frees a segment's permits up to a segment early, and cannot say
/// when the next permit comes, which a caller whose time is limited needs to know.
/// </remarks>
internal sealed class KeapRateLimiter : RateLimiter
{
    /// <summary>The share of Keap's per-second limit the limiter aims at, leaving room for clock and network jitter.</summary>
    internal const double Utilization = 0.97;

    /// <summary>How long Keap's spike arrest counts: a bare 429 holds attempts this long.</summary>
    internal static readonly TimeSpan SpikeWindow = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly KeapRateSchedule _schedule = new();
    private readonly KeapAdaptiveRate _rate;
    private readonly KeapRateLine _line;
    private readonly TimeProvider _time;
    private readonly KeapQuotaMonitor _monitor;
    private readonly ILogger _logger;
    private readonly bool _pacing;
    private readonly long _maxWait;
    private long _waitingUntil;
    private long _granted;
    private long _refused;

    public KeapRateLimiter(IOptions<KeapServiceAccountOptions> options, TimeProvider time, KeapQuotaMonitor monitor, ILogger<KeapRateLimiter> logger)
    {
        var o = options.Value;
        _time = time;
        _monitor = monitor;
        _logger = logger;
        _pacing = o.Api.QuotaPacing;
        _maxWait = o.Api.Timeouts.Total.Ticks;
        _rate = new KeapAdaptiveRate(o);
        _line = new KeapRateLine(o.RateLimit.QueueLimit);
    }

    /// <summary>The steady rate attempts may start at now, in requests per second (a burst may go faster for a while).</summary>
    public double CurrentRate
    {
        get
        {
            lock (_gate)
            {
                return _rate.SteadyRate;
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
    public long QueuedCount => _line.QueuedCount;

    /// <inheritdoc/>
    public override TimeSpan? IdleDuration => null;

    /// <summary>
    /// The steady rate Keap allows this process for its credential, in requests per second, already reduced to
    /// <see cref="Utilization"/>: the spike arrest, the app's and the account's per-minute throttles, times the
    /// instance share.
    /// </summary>
    public static double AllowedRate(KeapServiceAccountOptions options) => new KeapAdaptiveRate(options).SteadyRate;

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
    /// Keap refused an attempt with a 429: hold every attempt for <paramref name="hold"/> and narrow the limits, once per
    /// spike window however many in-flight attempts come back refused.
    /// </summary>
    public void Refused(DateTimeOffset now, TimeSpan hold)
    {
        var at = now.UtcTicks;
        lock (_gate)
        {
            _schedule.Hold(at + hold.Ticks);
            if (!_rate.Narrow(at))
            {
                return;
            }
        }

        ApiLog.RateNarrowed(_logger, CurrentRate, hold);
    }

    /// <summary>
    /// Keap answered without refusing and sent its quota headers: widen the limits towards the allowance, take a lower
    /// spike limit from <c>x-keap-product-spike-limit</c>, and learn from the throttle whether its window is this process's.
    /// </summary>
    public void Answered(DateTimeOffset now, in KeapQuotaFigures figures)
    {
        lock (_gate)
        {
            _rate.Widen(now.UtcTicks, figures, _schedule);
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
        request?.Options.Set(KeapRequestMarks.WaitingForTurn, true);
        try
        {
            using var turn = await _line.JoinAsync(cancellationToken).ConfigureAwait(false);
            var lease = turn.IsAcquired ? await WaitForSlotAsync(cancellationToken).ConfigureAwait(false) : Refuse(null);

            // Left set only when the wait ended in cancellation: the total timeout or the caller.
            request?.Options.Set(KeapRequestMarks.WaitingForTurn, false);
            return lease;
        }
        finally
        {
            _line.Leave();
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

            if (!paced && wait.Paced)
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

    /// <summary>Takes the next slot if it has come; otherwise says how long to wait, or refuses a wait longer than a call may take.</summary>
    /// <param name="alone">Take it only when nobody waits in line, so that a newcomer never overtakes the line.</param>
    /// <param name="wait">How long until the slot comes, when it has not.</param>
    /// <param name="refusal">A refusal when the wait is longer than a call may take.</param>
    private bool TryTake(bool alone, out Wait wait, out RateLimitLease? refusal)
    {
        refusal = null;
        var now = _time.GetUtcNow();
        var at = now.UtcTicks;
        lock (_gate)
        {
            // A spent throttle in a window that holds only this process's starts frees when the record says: no pacing for it.
            var pacing = _pacing ? _monitor.PacingInterval(now, ownThrottle: _rate.WindowIsOurs(at)).Ticks : 0;
            var allowance = _rate.Allowance(at);
            var (bySchedule, earliest) = _schedule.Earliest(at, allowance, pacing);
            if (alone && (_line.IsOccupied || earliest > at))
            {
                wait = new Wait(TimeSpan.FromTicks(Math.Max(earliest - at, 0)), Paced: false);
                refusal = earliest - at > _maxWait ? Refuse(wait.Delay) : null;
                return false;
            }

            if (earliest <= at)
            {
                _schedule.Take(at, allowance);
                _waitingUntil = 0;
                wait = default;
                return true;
            }

            wait = new Wait(TimeSpan.FromTicks(earliest - at), Paced: earliest > bySchedule);
            _waitingUntil = earliest - at > _maxWait ? 0 : earliest;
            refusal = earliest - at > _maxWait ? Refuse(wait.Delay) : null;
            return false;
        }
    }

    private KeapRateLease Granted()
    {
        Interlocked.Increment(ref _granted);
        return KeapRateLease.Granted;
    }

    private KeapRateLease Refuse(TimeSpan? retryAfter)
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

        return new KeapRateLease(false, retryAfter);
    }

    private KeapRateLease Refuse(Wait wait) => Refuse(wait.Delay == TimeSpan.Zero ? null : wait.Delay);

    /// <summary>How long until the next slot, and whether the quota monitor's pacing is what holds it.</summary>
    private readonly record struct Wait(TimeSpan Delay, bool Paced);
}
