namespace Keap.ServiceAccount.Tokens.Stores;

/// <summary>
/// Keeps the token in this process only: right for a single instance that can re-authorize after a restart,
/// and for tests. Leases coordinate the token managers of this process.
/// </summary>
internal sealed class InMemoryTokenStore(TimeProvider timeProvider) : ITokenStore
{
    private readonly Lock _gate = new();
    private StoredToken? _current;
    private long _lastVersion;
    private TokenLease? _lease;

    public ValueTask<StoredToken?> GetAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_current);
        }
    }

    public ValueTask<StoredToken?> TrySaveAsync(KeapToken token, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        lock (_gate)
        {
            if ((_current?.Version ?? StoredToken.NoVersion) != expectedVersion)
            {
                return ValueTask.FromResult<StoredToken?>(null);
            }

            // Versions never repeat, even across a delete, so a stale writer cannot match a later token.
            _current = new StoredToken(token, ++_lastVersion);
            return ValueTask.FromResult<StoredToken?>(_current);
        }
    }

    public ValueTask<StoredToken?> TryMarkRefusedAsync(long expectedVersion, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        lock (_gate)
        {
            if (_current is null || _current.Version != expectedVersion)
            {
                return ValueTask.FromResult<StoredToken?>(null);
            }

            _current = new StoredToken(_current.Token, ++_lastVersion) { Refusal = reason };
            return ValueTask.FromResult<StoredToken?>(_current);
        }
    }

    public ValueTask<bool> TryDeleteAsync(long expectedVersion, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_current is null || _current.Version != expectedVersion)
            {
                return ValueTask.FromResult(false);
            }

            _current = null;
            _lastVersion++;
            return ValueTask.FromResult(true);
        }
    }

    public ValueTask<TokenLease?> TryAcquireLeaseAsync(string owner, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        lock (_gate)
        {
            var now = timeProvider.GetUtcNow();
            if (_lease is not null && _lease.ExpiresAt > now)
            {
                return ValueTask.FromResult<TokenLease?>(null);
            }

            _lease = new TokenLease(owner, Guid.NewGuid().ToString("N"), now + duration);
            return ValueTask.FromResult<TokenLease?>(_lease);
        }
    }

    public ValueTask ReleaseLeaseAsync(TokenLease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        lock (_gate)
        {
            if (_lease is not null && _lease.LeaseId == lease.LeaseId)
            {
                _lease = null;
            }
        }

        return ValueTask.CompletedTask;
    }
}
