using System.Globalization;
using System.Security.Cryptography;
using Keap.ServiceAccount.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Keap.ServiceAccount.Tokens.Internal;

/// <summary>
/// The token this process hands out, with the instants that decide what the hot path does: before
/// <see cref="CachedToken.FastUntil"/> it returns the token and nothing else.
/// </summary>
internal sealed class TokenCache(IOptions<KeapServiceAccountOptions> options, TimeProvider timeProvider, ILogger<TokenCache> logger)
{
    // A soft window at most this share of the granted lifetime: at most one refresh per lifetime.
    private const int LifetimeShareOfSoftWindow = 4;
    private static readonly TimeSpan MaxJitter = TimeSpan.FromMinutes(10);

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

    /// <summary>
    /// When <paramref name="token"/> is due for refresh, before any jitter: the start of its soft window (scaled to the
    /// lifetime Keap granted, never earlier than <see cref="KeapServiceAccountOptions.MinRefreshInterval"/> after issue)
    /// or the refresh token's keep-alive age, whichever is first; and the start of its hard window.
    /// </summary>
    public RefreshPlan Plan(KeapToken token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var o = options.Value;
        var (soft, hard) = Windows(token, o);
        var hardAt = token.AccessTokenExpiresAt - hard;
        var softAt = token.AccessTokenExpiresAt - soft;
        var earliest = token.RefreshTokenIssuedAt + o.MinRefreshInterval;
        if (softAt < earliest)
        {
            softAt = earliest < hardAt ? earliest : hardAt;
        }

        var keepAlive = token.RefreshTokenIssuedAt + o.RefreshTokenKeepAliveAge;
        return new RefreshPlan(softAt < keepAlive ? softAt : keepAlive, hardAt, soft);
    }

    /// <summary>
    /// When this instance refreshes <paramref name="stored"/> unless forced: its own jittered start of the soft window
    /// when it serves that version already, otherwise the plan's due time.
    /// </summary>
    public DateTimeOffset DueAt(StoredToken stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return _current is { Pending: false } c && c.Stored.Version == stored.Version
            && string.Equals(c.AccessToken, stored.Token.AccessToken, StringComparison.Ordinal)
            ? c.SoftAt
            : Plan(stored.Token).DueAt;
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
            return SetCore(stored, pending);
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

    private CachedToken SetCore(StoredToken stored, bool pending)
    {
        var now = timeProvider.GetUtcNow();
        var checkAt = now + options.Value.StoreCheckInterval;
        var previous = _current;
        CachedToken next;
        if (previous is not null && previous.Stored.Version == stored.Version && previous.Pending == pending
            && string.Equals(previous.AccessToken, stored.Token.AccessToken, StringComparison.Ordinal)
            && string.Equals(previous.Stored.Refusal, stored.Refusal, StringComparison.Ordinal))
        {
            // The same token checked again: keep its jittered plan, move only the next check.
            next = previous with { CheckAt = checkAt, FastUntil = Min(previous.SoftAt, checkAt) };
        }
        else
        {
            var token = stored.Token;
            var plan = Plan(token);
            LogScaling(token, plan);

            // Each instance starts its soft-window refresh a little later than the others, on the request path too.
            var jitterRange = Min(MaxJitter, plan.SoftWindow / 2);
            var softAt = plan.DueAt + TimeSpan.FromMilliseconds(RandomNumberGenerator.GetInt32((int)Math.Max(1, jitterRange.TotalMilliseconds)));
            softAt = Min(softAt, plan.HardAt);

            // A refused refresh token is never refreshed: only the version check runs until someone connects again.
            var fastUntil = stored.Refusal is null ? Min(softAt, checkAt) : Min(plan.HardAt, checkAt);
            next = new CachedToken(stored, token.AccessToken, fastUntil, softAt, plan.HardAt, checkAt, pending);
        }

        _current = next;
        return next;
    }

    private static (TimeSpan Soft, TimeSpan Hard) Windows(KeapToken token, KeapServiceAccountOptions o)
    {
        var lifetime = token.AccessTokenExpiresAt - token.RefreshTokenIssuedAt;
        if (lifetime <= TimeSpan.Zero)
        {
            return (o.SoftRefreshWindow, o.HardRefreshWindow);
        }

        var soft = Min(o.SoftRefreshWindow, lifetime / LifetimeShareOfSoftWindow);
        return (soft, Min(o.HardRefreshWindow, soft / 2));
    }

    private void LogScaling(KeapToken token, RefreshPlan plan)
    {
        var o = options.Value;
        if (plan.SoftWindow < o.SoftRefreshWindow)
        {
            TokenLog.WindowsScaled(
                logger,
                token.AccessTokenExpiresAt - token.RefreshTokenIssuedAt,
                o.SoftRefreshWindow,
                o.HardRefreshWindow,
                plan.SoftWindow,
                token.AccessTokenExpiresAt - plan.HardAt);
        }
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}

/// <summary>When a token is due: <paramref name="DueAt"/> (soft window or keep-alive, before jitter), <paramref name="HardAt"/>, and the soft window used.</summary>
internal readonly record struct RefreshPlan(DateTimeOffset DueAt, DateTimeOffset HardAt, TimeSpan SoftWindow);

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
