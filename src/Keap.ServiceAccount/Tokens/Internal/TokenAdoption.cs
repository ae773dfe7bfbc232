using Microsoft.Extensions.Logging;

namespace Keap.ServiceAccount.Tokens.Internal;

/// <summary>
/// Decides what a token of record means for this process: it is served (unless a connect or disconnect here overtook
/// the read that found it), and the outcome says Connected or, for a refused refresh token, NeedsReauthorization. Also
/// remembers a refusal this process could not record in the store, so that refresh token is never presented again here.
/// </summary>
internal sealed class TokenAdoption(TokenCache cache, ILogger logger)
{
    private volatile LocalRefusal? _localRefusal;

    /// <summary>The refusal this process could not record in the store, for the version it concerns.</summary>
    public string? LocalRefusalFor(long version) => _localRefusal is { } r && r.Version == version ? r.Reason : null;

    /// <summary>Remembers that Keap refused version <paramref name="version"/>'s refresh token, when the store could not record it.</summary>
    public void RefuseLocally(long version, string reason) => _localRefusal = new LocalRefusal(version, reason);

    /// <summary>Forgets a local refusal: a new token was stored, or this process connected or disconnected.</summary>
    public void ForgetRefusal() => _localRefusal = null;

    /// <summary>Serves <paramref name="saved"/>, the token this process just stored.</summary>
    public RefreshOutcome Refreshed(StoredToken saved)
    {
        _localRefusal = null;
        return cache.Set(saved) is null ? Served() : new RefreshOutcome(RefreshKind.Refreshed, saved, KeapConnectionState.Connected, null);
    }

    /// <summary>Serves <paramref name="stored"/>, a token of record this process did not write (or a refusal recorded on it).</summary>
    public RefreshOutcome Adopt(StoredToken stored)
    {
        var previous = cache.Current;
        if (cache.Set(stored) is null)
        {
            return Served();
        }

        if (_localRefusal is { } local && local.Version != stored.Version)
        {
            _localRefusal = null;
        }

        if (previous is not null && previous.Stored.Version != stored.Version)
        {
            TokenLog.TokenAdopted(logger, stored.Version);
        }

        return Outcome(stored);
    }

    /// <summary>The outcome for what the cache serves after a connect or disconnect on this instance overtook this run's read.</summary>
    public RefreshOutcome Served() => cache.Current is { } c
        ? Outcome(c.Stored)
        : RefreshOutcome.Failed(KeapConnectionState.NotConnected, "The application was disconnected from Keap while refreshing.");

    private RefreshOutcome Outcome(StoredToken stored)
    {
        var refusal = stored.Refusal ?? LocalRefusalFor(stored.Version);
        return refusal is not null
            ? RefreshOutcome.Failed(KeapConnectionState.NeedsReauthorization, refusal)
            : new RefreshOutcome(RefreshKind.Adopted, stored, KeapConnectionState.Connected, null);
    }

    private sealed record LocalRefusal(long Version, string Reason);
}
