namespace Keap.ServiceAccount.Tags;

/// <summary>
/// One shared run of a lookup for any number of concurrent callers. The run is cancelled when every caller waiting
/// for it has given up before it finished; a cancelled (abandoned) flight cannot be joined again.
/// </summary>
/// <typeparam name="T">The result.</typeparam>
internal sealed class SingleFlight<T>(Func<SingleFlight<T>, CancellationToken, Task<T>> run) : IDisposable
{
    private readonly Lock _gate = new();
    private CancellationTokenSource? _cancel = new();
    private Task<T>? _task;
    private int _waiters;
    private bool _abandoned;

    /// <summary>The run, once started.</summary>
    public Task<T>? Completion => _task;

    /// <summary>Joins the run (starting it on the first join) and waits for it, up to the caller's cancellation.</summary>
    /// <returns><see langword="null"/> when the flight was abandoned: start a new one.</returns>
    public Task<T>? TryJoin(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_abandoned)
            {
                return null;
            }

            _waiters++;
            if (_task is null)
            {
                var token = _cancel!.Token;
                _task = Task.Run(() => run(this, token), CancellationToken.None);
                _task.ContinueWith(
                    t =>
                    {
                        // Observed here: when every caller has left, nobody else will look at a failure.
                        _ = t.Exception;
                        Dispose();
                    },
                    CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
            }
        }

        return WaitAsync(_task, cancellationToken);
    }

    private async Task<T> WaitAsync(Task<T> task, CancellationToken cancellationToken)
    {
        try
        {
            return await task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Leave();
        }
    }

    private void Leave()
    {
        lock (_gate)
        {
            // The last caller walked away before the run ended: nobody needs it any more.
            if (--_waiters == 0 && _cancel is not null)
            {
                _abandoned = true;
                _cancel.Cancel();
            }
        }
    }

    /// <summary>Releases the cancellation source; called when the run ends.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _cancel?.Dispose();
            _cancel = null;
        }
    }
}
