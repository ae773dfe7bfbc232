using Keap.ServiceAccount.Configuration;

namespace Keap.ServiceAccount;

/// <summary>
/// When and how the OAuth token is refreshed (configuration section <c>Keap:Refresh</c>): the refresh windows, the
/// lease that keeps two processes from refreshing at once, the token request's timeout and the refresh token's age.
/// </summary>
public sealed class KeapRefreshOptions
{
    /// <summary>
    /// How long before the access token expires a background refresh starts while the current token keeps
    /// being served. Keap advises refreshing well ahead; default 3 hours. When Keap grants a shorter lifetime
    /// (<c>expires_in</c>), the window shrinks to a quarter of that lifetime, so a token is refreshed at most once per lifetime.
    /// </summary>
    // Keap's access tokens last 24 hours; a soft window that long would refresh on every call.
    [Positive(ShorterThan = "1.00:00:00")]
    public TimeSpan SoftWindow { get; set; } = TimeSpan.FromHours(3);

    /// <summary>
    /// How long before the access token expires callers wait for a refresh instead of using it. Default 60 seconds;
    /// at most half of the (possibly shrunk) <see cref="SoftWindow"/>.
    /// </summary>
    [Positive]
    public TimeSpan HardWindow { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The least time between a token's issue and its planned refresh, whatever <c>expires_in</c> Keap granted, so a
    /// misconfigured or very short lifetime can never make the package refresh on every call. Default 1 minute.
    /// </summary>
    [Positive]
    public TimeSpan MinInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How often each instance checks the store's version for a change made by another instance (a refresh, a
    /// disconnect, a reconnect to another account, a refused refresh token). The check runs in the background, off the
    /// token hand-out; another instance's change is followed within this time plus one store read. Default 30 seconds; at most 1 day.
    /// </summary>
    [Positive(AtMost = "1.00:00:00")]
    public TimeSpan StoreCheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    // Here rather than on the token path: the start-up check of TokenRequestTimeout against LeaseDuration reads it too.
    private static readonly TimeSpan MaxSaveReserve = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long one process may hold the refresh lease, and so how long a refresh token once sent waits for Keap's
    /// answer: until the lease ends, less a tenth of it (at most 5 seconds) kept for storing the new token. A refresh
    /// token is never sent again while its answer may still come. Must exceed <see cref="TokenRequestTimeout"/> by twice
    /// that reserve, the second kept for reading the store under the lease before sending (checked at start-up). Default 60 seconds, which covers Keap's slowest answers (about 30 seconds); at most 1 day.
    /// </summary>
    [Positive(AtMost = "1.00:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a code exchange waits for Keap's answer, and the least time a refresh must have left on its lease before
    /// it sends the refresh token (which then waits until the lease ends, see <see cref="LeaseDuration"/>).
    /// Default 20 seconds; at most 1 day.
    /// </summary>
    [Positive(AtMost = "1.00:00:00")]
    public TimeSpan TokenRequestTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// When the application stops while a refresh token is on the wire, stopping waits for Keap's answer
    /// (at most <see cref="LeaseDuration"/>) plus this long for storing the new token. Default 5 seconds; at most 1 day.
    /// </summary>
    [Positive(AtMost = "1.00:00:00")]
    public TimeSpan ShutdownSaveBudget { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long Keap honours a refresh token after issuing it. Default 45 days; at most 365 days.</summary>
    // Bounded so that adding it to a date or doubling it cannot overflow on the token path.
    [Positive(AtMost = "365.00:00:00")]
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(45);

    /// <summary>
    /// An idle application refreshes once its refresh token reaches this age, so it never reaches the end of
    /// <see cref="RefreshTokenLifetime"/>. Default 30 days; at most 365 days.
    /// </summary>
    [Positive(AtMost = "365.00:00:00")]
    public TimeSpan RefreshTokenKeepAliveAge { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// The part of a lease of <paramref name="leaseDuration"/> kept for storing the new token after Keap's answer: a tenth
    /// of the lease, at most 5 seconds. <see cref="TokenRequestTimeout"/> must fit in the rest.
    /// </summary>
    internal static TimeSpan SaveReserve(TimeSpan leaseDuration) => leaseDuration / 10 < MaxSaveReserve ? leaseDuration / 10 : MaxSaveReserve;
}
