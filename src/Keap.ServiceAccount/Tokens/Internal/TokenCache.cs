using System.Globalization;

namespace Keap.ServiceAccount.Tokens.Internal;

/// <summary>
/// The token this process hands out, with the instants <see cref="RefreshSchedule"/> decided for it: before
/// <see cref="CachedToken.FastUntil"/> the hot path returns the token and nothing else. The cache only keeps the
/// newest token: it never serves one older than what it served or forgot.
/// </summary>
internal sealed class TokenCache(RefreshSchedule schedule)
{
    // Read on the hot path without a lock: replaced as a whole, never mutated.
    private volatile CachedToken? _current;

    // Writers only. Store versions only grow, so a token older than the floor (the newest version served, or one past
    // a token forgotten) comes from a read that a connect or disconnect on this instance overtook: never served again.
    private readonly Lock _gate = new();
    private long _floor;

    public CachedToken? Current => _current;

    /// <summary>Changes whenever a newer token is served or one is forgotten; a reader compares it to discard a stale "nothing stored".</summary>
    public long Floor
    {
        get
        {
            lock (_gate)
            {
                return _floor;
            }
        }
    }

    /// <summary>Serves <paramref name="stored"/> from now on; <paramref name="pending"/> marks a token Keap issued that the store has not accepted yet.</summary>
    /// <returns>The token as served, or <see langword="null"/> when <paramref name="stored"/> is older than what this cache served or forgot (a stale read).</returns>
    public CachedToken? Set(StoredToken stored, bool pending = false)
    {
        ArgumentNullException.ThrowIfNull(stored);
        lock (_gate)
        {
            if (stored.Version < _floor)
            {
                return null;
            }

            _floor = stored.Version;
            var next = schedule.Schedule(stored, pending, _current);
            _current = next;
            return next;
        }
    }

    /// <summary>Stops serving any token, and any token read before now, after this instance disconnected.</summary>
    public void Forget()
    {
        lock (_gate)
        {
            _floor = Math.Max(_floor, (_current?.Stored.Version ?? 0) + 1);
            _current = null;
        }
    }

    /// <summary>Stops serving the token after a read found nothing stored, unless a newer token was served since <paramref name="floorBeforeRead"/>.</summary>
    /// <returns><see langword="false"/> when a newer token is served now (the read was stale).</returns>
    public bool Clear(long floorBeforeRead)
    {
        lock (_gate)
        {
            if (_floor != floorBeforeRead)
            {
                return _current is null;
            }

            _floor = Math.Max(_floor, (_current?.Stored.Version ?? 0) + 1);
            _current = null;
            return true;
        }
    }
}

/// <summary>A token as served by this process.</summary>
/// <param name="Stored">The token and the store version it came from (for a pending token: the version it replaces).</param>
/// <param name="AccessToken">The access token, kept apart so the hot path reads one field.</param>
/// <param name="FastUntil">Before this instant the hot path only returns the token.</param>
/// <param name="SoftAt">This instance's (jittered) start of the soft window.</param>
/// <param name="HardAt">From here callers wait for a refresh.</param>
/// <param name="CheckAt">When the store's version is checked next.</param>
/// <param name="Pending">Keap issued it, the store has not accepted it yet.</param>
internal sealed record CachedToken(
    StoredToken Stored,
    string AccessToken,
    DateTimeOffset FastUntil,
    DateTimeOffset SoftAt,
    DateTimeOffset HardAt,
    DateTimeOffset CheckAt,
    bool Pending)
{
    /// <summary>Describes the cached token without the access token (the generated form would print it).</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"CachedToken {{ Stored = {Stored}, FastUntil = {FastUntil:O}, SoftAt = {SoftAt:O}, HardAt = {HardAt:O}, CheckAt = {CheckAt:O}, Pending = {Pending} }}");
}
