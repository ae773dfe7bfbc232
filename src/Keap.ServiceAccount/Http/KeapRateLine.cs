using System.Threading.RateLimiting;

namespace Keap.ServiceAccount.Http;

/// <summary>
/// The waiting line of <see cref="KeapRateLimiter"/>: a <see cref="ConcurrencyLimiter"/> of one, bounded, cancellable,
/// oldest first. Its holder waits for the next slot; the others queue behind it.
/// </summary>
internal sealed class KeapRateLine : IDisposable
{
    private readonly ConcurrencyLimiter _line;
    private int _count;

    /// <summary>Creates a line that holds at most <paramref name="queueLimit"/> callers besides its head.</summary>
    public KeapRateLine(int queueLimit) => _line = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
    {
        PermitLimit = 1,
        QueueLimit = queueLimit,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    /// <summary>Whether anyone is in line, its head included: a newcomer then may not take a slot that has come.</summary>
    public bool IsOccupied => Volatile.Read(ref _count) > 0;

    /// <summary>The callers queued behind the head.</summary>
    public long QueuedCount => _line.GetStatistics()?.CurrentQueuedCount ?? 0;

    /// <summary>The line's own statistics (places available and queued).</summary>
    public RateLimiterStatistics? GetStatistics() => _line.GetStatistics();

    /// <summary>
    /// Joins the line and waits to be its head. The returned turn, when acquired, must be disposed to let the next one
    /// through; when not acquired, the line was full. Leave with <see cref="Leave"/> in every case, once.
    /// </summary>
    public ValueTask<RateLimitLease> JoinAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _count);
        return _line.AcquireAsync(1, cancellationToken);
    }

    /// <summary>Counts out a caller that joined with <see cref="JoinAsync"/>, whatever became of its wait.</summary>
    public void Leave() => Interlocked.Decrement(ref _count);

    /// <inheritdoc/>
    public void Dispose() => _line.Dispose();
}
