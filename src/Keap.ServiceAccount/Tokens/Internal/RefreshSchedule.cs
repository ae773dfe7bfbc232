using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Keap.ServiceAccount.Tokens.Internal;

/// <summary>
/// Decides when a token is refreshed: the soft window (refresh in the background, keep serving), the hard window
/// (callers wait), both scaled down to a short lifetime Keap granted, the refresh token's keep-alive age, the jitter
/// that spreads instances apart, and when the store's version is checked next.
/// </summary>
internal sealed class RefreshSchedule(IOptions<KeapServiceAccountOptions> options, TimeProvider timeProvider, ILogger<RefreshSchedule> logger)
{
    // A soft window at most this share of the granted lifetime: at most one refresh per lifetime.
    private const int LifetimeShareOfSoftWindow = 4;

    /// <summary>The most an instance's start of the soft window is moved later at random.</summary>
    public static readonly TimeSpan MaxJitter = TimeSpan.FromMinutes(10);

    /// <summary>
    /// When <paramref name="token"/> is due for refresh, before any jitter: the start of its soft window (scaled to the
    /// lifetime Keap granted, never earlier than <see cref="KeapRefreshOptions.MinInterval"/> after issue)
    /// or the refresh token's keep-alive age, whichever is first; and the start of its hard window.
    /// </summary>
    public RefreshPlan Plan(KeapToken token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var o = options.Value;
        var (soft, hard) = Windows(token, o);
        var hardAt = token.AccessTokenExpiresAt - hard;
        var softAt = token.AccessTokenExpiresAt - soft;
        var earliest = token.RefreshTokenIssuedAt + o.Refresh.MinInterval;
        if (softAt < earliest)
        {
            softAt = earliest < hardAt ? earliest : hardAt;
        }

        var keepAlive = token.RefreshTokenIssuedAt + o.Refresh.RefreshTokenKeepAliveAge;
        return new RefreshPlan(softAt < keepAlive ? softAt : keepAlive, hardAt, soft);
    }

    /// <summary>
    /// When this instance refreshes <paramref name="stored"/> unless forced: its own jittered start of the soft window
    /// when <paramref name="served"/> is that version already, otherwise the plan's due time.
    /// </summary>
    public DateTimeOffset DueAt(StoredToken stored, CachedToken? served)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return served is { Pending: false } c && c.Stored.Version == stored.Version
            && string.Equals(c.AccessToken, stored.Token.AccessToken, StringComparison.Ordinal)
            ? c.SoftAt
            : Plan(stored.Token).DueAt;
    }

    /// <summary>
    /// The instants for serving <paramref name="stored"/> from now on. The same token checked again keeps
    /// <paramref name="previous"/>'s jittered plan and moves only the next version check.
    /// </summary>
    public CachedToken Schedule(StoredToken stored, bool pending, CachedToken? previous)
    {
        var checkAt = timeProvider.GetUtcNow() + options.Value.Refresh.StoreCheckInterval;
        if (previous is not null && previous.Stored.Version == stored.Version && previous.Pending == pending
            && string.Equals(previous.AccessToken, stored.Token.AccessToken, StringComparison.Ordinal)
            && string.Equals(previous.Stored.Refusal, stored.Refusal, StringComparison.Ordinal))
        {
            return previous with { CheckAt = checkAt, FastUntil = Min(previous.SoftAt, checkAt) };
        }

        var token = stored.Token;
        var plan = Plan(token);
        LogScaling(token, plan);

        // Each instance starts its soft-window refresh a little later than the others, on the request path too.
        var jitterRange = Min(MaxJitter, plan.SoftWindow / 2);
        var softAt = plan.DueAt + TimeSpan.FromMilliseconds(RandomNumberGenerator.GetInt32((int)Math.Max(1, jitterRange.TotalMilliseconds)));
        softAt = Min(softAt, plan.HardAt);

        // A refused refresh token is never refreshed: only the version check runs until someone connects again.
        var fastUntil = stored.Refusal is null ? Min(softAt, checkAt) : Min(plan.HardAt, checkAt);
        return new CachedToken(stored, token.AccessToken, fastUntil, softAt, plan.HardAt, checkAt, pending);
    }

    private static (TimeSpan Soft, TimeSpan Hard) Windows(KeapToken token, KeapServiceAccountOptions o)
    {
        var lifetime = token.AccessTokenExpiresAt - token.RefreshTokenIssuedAt;
        if (lifetime <= TimeSpan.Zero)
        {
            return (o.Refresh.SoftWindow, o.Refresh.HardWindow);
        }

        var soft = Min(o.Refresh.SoftWindow, lifetime / LifetimeShareOfSoftWindow);
        return (soft, Min(o.Refresh.HardWindow, soft / 2));
    }

    private void LogScaling(KeapToken token, RefreshPlan plan)
    {
        var o = options.Value;
        if (plan.SoftWindow < o.Refresh.SoftWindow)
        {
            TokenLog.WindowsScaled(
                logger,
                token.AccessTokenExpiresAt - token.RefreshTokenIssuedAt,
                o.Refresh.SoftWindow,
                o.Refresh.HardWindow,
                plan.SoftWindow,
                token.AccessTokenExpiresAt - plan.HardAt);
        }
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}

/// <summary>When a token is due: <paramref name="DueAt"/> (soft window or keep-alive, before jitter), <paramref name="HardAt"/>, and the soft window used.</summary>
internal readonly record struct RefreshPlan(DateTimeOffset DueAt, DateTimeOffset HardAt, TimeSpan SoftWindow);
