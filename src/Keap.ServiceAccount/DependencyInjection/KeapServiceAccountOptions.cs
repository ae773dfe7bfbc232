using Keap.ServiceAccount.DependencyInjection;

namespace Keap.ServiceAccount;

/// <summary>
/// Settings of the Keap connection, usually bound from the <c>Keap</c> configuration section.
/// Validated when the host starts: every missing or invalid setting is listed, by name, in one error that stops start-up.
/// </summary>
/// <remarks>
/// The settings are read once: a configuration reload while the application runs changes nothing until it restarts.
/// The token path's credentials, endpoints and refresh windows must not change under an in-flight refresh, and an
/// invalid edit must never surface as a failure in the middle of a call.
/// </remarks>
public sealed class KeapServiceAccountOptions
{
    /// <summary>The configuration section these options are usually bound from.</summary>
    public const string SectionName = "Keap";

    /// <summary>Keap's authorize page.</summary>
    public static readonly Uri DefaultAuthorizeEndpoint = new("https://accounts.infusionsoft.com/app/oauth/authorize");

    /// <summary>Keap's token endpoint.</summary>
    public static readonly Uri DefaultTokenEndpoint = new("https://api.infusionsoft.com/token");

    /// <summary>Keap's REST API root; v2 paths (<c>rest/v2/...</c>) are resolved against it.</summary>
    public static readonly Uri DefaultApiBaseAddress = new("https://api.infusionsoft.com/crm/");

    private Uri _apiBaseAddress = DefaultApiBaseAddress;

    /// <summary>The OAuth client id (the "key" of the Keap developer app). Required unless <see cref="ServiceAccountKey"/> is set.</summary>
    public string? ClientId { get; set; }

    /// <summary>The OAuth client secret. Required with <see cref="ClientId"/>. Never logged.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The absolute callback URI registered with the Keap app; Keap redirects the administrator there after consent. Required with <see cref="ClientId"/>.</summary>
    public Uri? RedirectUri { get; set; }

    /// <summary>
    /// A Service Account Key or Personal Access Token (<c>KeapAK-…</c>) used instead of OAuth: sent as
    /// <c>X-Keap-API-Key</c>, nothing to refresh. Visible ASCII characters only; surrounding whitespace (a key file's line break) is removed when the options are built, so the header carries exactly the trimmed key. Never logged.
    /// </summary>
    public string? ServiceAccountKey { get; set; }

    /// <summary>Where administrators are sent to grant access. Defaults to Keap's; point it at the sandbox in development.</summary>
    [HttpUri]
    public Uri AuthorizeEndpoint { get; set; } = DefaultAuthorizeEndpoint;

    /// <summary>Where codes are exchanged and tokens refreshed. Defaults to Keap's.</summary>
    [HttpUri]
    public Uri TokenEndpoint { get; set; } = DefaultTokenEndpoint;

    /// <summary>
    /// The REST API root that <c>rest/v2/...</c> paths are resolved against: an absolute http(s) URI. Defaults to Keap's.
    /// A missing trailing <c>/</c> is added (<c>https://host/crm</c> means <c>https://host/crm/</c>).
    /// </summary>
    [HttpUri]
    public Uri ApiBaseAddress
    {
        get => _apiBaseAddress;

        // Without the slash, relative API paths would replace the last segment ("crm") instead of extending it.
        set => _apiBaseAddress = value is { IsAbsoluteUri: true } && !value.AbsolutePath.EndsWith('/')
            ? new UriBuilder(value) { Path = value.AbsolutePath + "/" }.Uri
            : value;
    }

    /// <summary>
    /// How long before the access token expires a background refresh starts while the current token keeps
    /// being served. Keap advises refreshing well ahead; default 3 hours. When Keap grants a shorter lifetime
    /// (<c>expires_in</c>), the window shrinks to a quarter of that lifetime, so a token is refreshed at most once per lifetime.
    /// </summary>
    // Keap's access tokens last 24 hours; a soft window that long would refresh on every call.
    [Positive(ShorterThan = "1.00:00:00")]
    public TimeSpan SoftRefreshWindow { get; set; } = TimeSpan.FromHours(3);

    /// <summary>
    /// How long before the access token expires callers wait for a refresh instead of using it. Default 60 seconds;
    /// at most half of the (possibly shrunk) soft window.
    /// </summary>
    [Positive]
    public TimeSpan HardRefreshWindow { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The least time between a token's issue and its planned refresh, whatever <c>expires_in</c> Keap granted, so a
    /// misconfigured or very short lifetime can never make the package refresh on every call. Default 1 minute.
    /// </summary>
    [Positive]
    public TimeSpan MinRefreshInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How often each instance checks the store's version for a change made by another instance (a refresh, a
    /// disconnect, a reconnect to another account, a refused refresh token). The check runs in the background, off the
    /// token hand-out; another instance's change is followed within this time plus one store read. Default 30 seconds; at most 1 day.
    /// </summary>
    [Positive(AtMost = "1.00:00:00")]
    public TimeSpan StoreCheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// When the application stops while a refresh token is on the wire, stopping waits for Keap's answer
    /// (at most <see cref="RefreshLeaseDuration"/>) plus this long for storing the new token. Default 5 seconds; at most 1 day.
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
    /// How long one process may hold the refresh lease, and so how long a refresh token once sent waits for Keap's
    /// answer: until the lease ends, less a tenth of it (at most 5 seconds) kept for storing the new token. A refresh
    /// token is never sent again while its answer may still come. Must exceed <see cref="TokenRequestTimeout"/> by that
    /// reserve (checked at start-up). Default 60 seconds, which covers Keap's slowest answers (about 30 seconds); at most 1 day.
    /// </summary>
    [Positive(AtMost = "1.00:00:00")]
    public TimeSpan RefreshLeaseDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a code exchange waits for Keap's answer, and the least time a refresh must have left on its lease before
    /// it sends the refresh token (which then waits until the lease ends, see <see cref="RefreshLeaseDuration"/>).
    /// Default 20 seconds; at most 1 day.
    /// </summary>
    [Positive(AtMost = "1.00:00:00")]
    public TimeSpan TokenRequestTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How long an authorize link's one-time <c>state</c> stays valid. Default 15 minutes; at most 1 day.</summary>
    [Positive(AtMost = "1.00:00:00")]
    public TimeSpan AuthorizationStateLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How many contact ids one apply/remove-tag call carries. Default 100.</summary>
    [Between(1, 1000)]
    public int TagBatchSize { get; set; } = 100;

    /// <summary>
    /// Whether API calls slow down as Keap's headers say the daily quota is nearly spent (spreading what is left until
    /// it resets) or a throttle is spent (waiting for its window), instead of running into 429s. Default on.
    /// </summary>
    public bool QuotaPacing { get; set; } = true;

    /// <summary>The timeout of one API attempt. Default 30 seconds; from 10 milliseconds to 1 day.</summary>
    // The bounds of the resilience pipeline's timeout strategy: outside them every call would fail, not the start-up.
    [Positive(AtLeast = "00:00:00.010", AtMost = "1.00:00:00")]
    public TimeSpan ApiAttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The timeout of one API call including its retries. Default 2 minutes; from 10 milliseconds to 1 day.</summary>
    [Positive(AtLeast = "00:00:00.010", AtMost = "1.00:00:00")]
    public TimeSpan ApiTotalTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How many times a failed, retryable API call is retried. Default 4.</summary>
    [Between(0, 10)]
    public int ApiMaxRetryAttempts { get; set; } = 4;

    /// <summary>The first retry's delay before jitter; later retries back off exponentially. Default 1 second; at most 1 day.</summary>
    [Positive(AtMost = "1.00:00:00")]
    public TimeSpan ApiRetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The client-side rate limit (section <c>Keap:RateLimit</c>): on by default, at Keap's documented limits for the
    /// credential in use, queueing callers instead of letting Keap refuse them.
    /// </summary>
    public KeapRateLimitOptions RateLimit { get; } = new();

    /// <summary>Whether the application uses a Service Account Key rather than OAuth.</summary>
    public bool UsesServiceAccountKey => !string.IsNullOrWhiteSpace(ServiceAccountKey);
}
