using System.Collections.Concurrent;

namespace Keap.ServiceAccount.Tests.Tokens;

/// <summary>A store around another that records each operation and runs a test's script before it (to block, fail or count).</summary>
public sealed class ScriptedTokenStore(ITokenStore inner) : ITokenStore
{
    public ITokenStore Inner => inner;

    /// <summary>Runs before each operation ("get", "save", "refuse", "delete", "lease", "release"); may throw or wait.</summary>
    public Func<string, Task>? Before { get; set; }

    public ConcurrentQueue<string> Calls { get; } = new();

    public async ValueTask<StoredToken?> GetAsync(CancellationToken cancellationToken = default)
    {
        await BeforeAsync("get");
        return await inner.GetAsync(cancellationToken);
    }

    public async ValueTask<StoredToken?> TrySaveAsync(KeapToken token, long expectedVersion, CancellationToken cancellationToken = default)
    {
        await BeforeAsync("save");
        return await inner.TrySaveAsync(token, expectedVersion, cancellationToken);
    }

    public async ValueTask<StoredToken?> TryMarkRefusedAsync(long expectedVersion, string reason, CancellationToken cancellationToken = default)
    {
        await BeforeAsync("refuse");
        return await inner.TryMarkRefusedAsync(expectedVersion, reason, cancellationToken);
    }

    public async ValueTask<bool> TryDeleteAsync(long expectedVersion, CancellationToken cancellationToken = default)
    {
        await BeforeAsync("delete");
        return await inner.TryDeleteAsync(expectedVersion, cancellationToken);
    }

    public async ValueTask<TokenLease?> TryAcquireLeaseAsync(string owner, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        await BeforeAsync("lease");
        return await inner.TryAcquireLeaseAsync(owner, duration, cancellationToken);
    }

    public async ValueTask ReleaseLeaseAsync(TokenLease lease, CancellationToken cancellationToken = default)
    {
        await BeforeAsync("release");
        await inner.ReleaseLeaseAsync(lease, cancellationToken);
    }

    private Task BeforeAsync(string operation)
    {
        Calls.Enqueue(operation);
        return Before?.Invoke(operation) ?? Task.CompletedTask;
    }
}
