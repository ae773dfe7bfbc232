namespace Keap.ServiceAccount.Tokens.Internal;

/// <summary>
/// What the application stopping cancels. <see cref="Stopping"/> ends what comes before a refresh token is sent (store
/// reads, lease waits, retry pauses); <see cref="SaveBudget"/>, armed only when stopping starts, bounds what comes after
/// (the save of Keap's answer, a refusal's record).
/// </summary>
/// <remarks>Not synchronized: <see cref="RefreshCoordinator"/> calls it under its own lock.</remarks>
internal sealed class RefreshStopSignals : IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _saveBudget;

    public RefreshStopSignals(TimeProvider timeProvider)
    {
        _saveBudget = new CancellationTokenSource(Timeout.InfiniteTimeSpan, timeProvider);

        // Kept apart from their sources: a call after disposal sees "stopping", not an ObjectDisposedException.
        Stopping = _stopping.Token;
        SaveBudget = _saveBudget.Token;
    }

    /// <summary>Cancelled once stopping starts.</summary>
    public CancellationToken Stopping { get; }

    /// <summary>Cancelled when the budget given by <see cref="LimitSaves"/> runs out, or on disposal.</summary>
    public CancellationToken SaveBudget { get; }

    public bool IsDisposed { get; private set; }

    /// <summary>Cancels <see cref="Stopping"/>.</summary>
    public void Stop()
    {
        if (!IsDisposed)
        {
            _stopping.Cancel();
        }
    }

    /// <summary>Cancels <see cref="SaveBudget"/> after <paramref name="limit"/>, on the coordinator's clock.</summary>
    public void LimitSaves(TimeSpan limit)
    {
        if (!IsDisposed)
        {
            _saveBudget.CancelAfter(limit);
        }
    }

    public void Dispose()
    {
        if (IsDisposed)
        {
            return;
        }

        IsDisposed = true;
        _stopping.Cancel();

        // A refresh still on the wire (a synchronous dispose does not wait) keeps its copies of the tokens.
        _stopping.Dispose();
        _saveBudget.Dispose();
    }
}
