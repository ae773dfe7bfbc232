namespace Keap.ServiceAccount.Tokens.Internal;

/// <summary>What this process learned from its own refreshes, for the status page: the last success and the last transient failure.</summary>
internal sealed class ConnectionStatusTracker(TimeProvider timeProvider)
{
    private readonly Lock _gate = new();
    private Snapshot _snapshot = new(null, null, null, null);

    public Snapshot Current
    {
        get
        {
            lock (_gate)
            {
                return _snapshot;
            }
        }
    }

    public void Refreshed()
    {
        lock (_gate)
        {
            _snapshot = new Snapshot(null, null, null, timeProvider.GetUtcNow());
        }
    }

    /// <summary>A refresh failed in a way that may pass by itself (<see cref="KeapConnectionState.RefreshFailing"/> or <see cref="KeapConnectionState.StoreUnavailable"/>).</summary>
    public void Failed(KeapConnectionState state, string error)
    {
        lock (_gate)
        {
            _snapshot = _snapshot with { FailureState = state, Error = error, ErrorAt = timeProvider.GetUtcNow() };
        }
    }

    /// <summary>Nothing is failing any more (the stored token needed no refresh, or a new one was adopted).</summary>
    public void Recovered()
    {
        lock (_gate)
        {
            _snapshot = _snapshot with { FailureState = null, Error = null, ErrorAt = null };
        }
    }

    /// <summary>A new grant was stored, or the token removed: what was learned about the previous token no longer applies.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _snapshot = new Snapshot(null, null, null, null);
        }
    }

    /// <param name="FailureState">The state the last failure put the connection in, while it lasts.</param>
    /// <param name="Error">Why, never containing a token.</param>
    /// <param name="ErrorAt">When it failed.</param>
    /// <param name="LastRefreshAt">When this process last refreshed.</param>
    public sealed record Snapshot(KeapConnectionState? FailureState, string? Error, DateTimeOffset? ErrorAt, DateTimeOffset? LastRefreshAt);
}
