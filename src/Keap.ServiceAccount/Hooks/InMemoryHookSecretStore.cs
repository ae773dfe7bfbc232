namespace Keap.ServiceAccount.Hooks;

/// <summary>The path secret of the in-memory token store: this process's own, made on first use, gone on restart.</summary>
internal sealed class InMemoryHookSecretStore : IKeapHookSecretStore
{
    private string? _secret;

    public ValueTask<string> GetOrCreateAsync(CancellationToken cancellationToken = default)
    {
        // The first secret stored wins; a caller that lost the race returns the winner's.
        var secret = Volatile.Read(ref _secret) ?? Interlocked.CompareExchange(ref _secret, HookSecret.New(), null) ?? _secret;
        return ValueTask.FromResult(secret);
    }
}
