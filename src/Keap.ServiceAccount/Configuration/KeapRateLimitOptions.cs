namespace Keap.ServiceAccount;

/// <summary>
/// The client-side rate limit every API attempt passes (configuration section <c>Keap:RateLimit</c>). Keap refuses
/// bursts without warning, so the package spaces requests out and queues callers instead of letting Keap refuse them.
/// Unset limits default to Keap's documented limits for the credential in use.
/// </summary>
/// <remarks>
/// Keap's limits (developer documentation, 2026): an OAuth app may send about 25 requests per second (the spike
/// arrest) and 1,500 per minute; a Service Account Key or Personal Access Token 10 per second and 240 per minute; a
/// Keap account accepts 10,000 per minute from all its apps together. The daily quotas (150,000 and 30,000) are not
/// spread out here: Keap reports them in the <c>x-keap-product-quota-*</c> headers, and when one is spent calls fail
/// at once with the time it resets.
/// </remarks>
public sealed class KeapRateLimitOptions
{
    /// <summary>Keap's spike arrest for an OAuth app, in requests per second.</summary>
    public const double OAuthRequestsPerSecond = 25;

    /// <summary>Keap's per-minute throttle for an OAuth app.</summary>
    public const int OAuthRequestsPerMinute = 1_500;

    /// <summary>Keap's spike arrest for a Service Account Key or Personal Access Token, in requests per second.</summary>
    public const double ServiceAccountKeyRequestsPerSecond = 10;

    /// <summary>Keap's per-minute throttle for a Service Account Key or Personal Access Token.</summary>
    public const int ServiceAccountKeyRequestsPerMinute = 240;

    /// <summary>Keap's per-minute throttle for one Keap account, across every app and key.</summary>
    public const int DefaultAccountRequestsPerMinute = 10_000;

    /// <summary>
    /// Whether API attempts are spaced at these limits and narrowed after a 429. Default on; turn it off only behind
    /// another limiter. Off, the pauses Keap asks for (<c>Retry-After</c>, a spent quota) and
    /// <see cref="KeapApiOptions.QuotaPacing"/> still hold calls.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Requests per second the credential may send (the spike arrest). <see langword="null"/> (the default):
    /// <see cref="OAuthRequestsPerSecond"/> or <see cref="ServiceAccountKeyRequestsPerSecond"/>. A lower
    /// <c>x-keap-product-spike-limit</c> from Keap takes precedence.
    /// </summary>
    public double? RequestsPerSecond { get; set; }

    /// <summary>
    /// Requests per minute the credential may send: no 61-second window ever holds more (a second of margin for the
    /// network). Once Keap's throttle headers show that its window holds only this process's requests, the budget is
    /// spent at the per-second limit and the next request waits for the oldest to leave the window; until then
    /// requests keep the steady pace of this budget spread over the minute. <see langword="null"/> (the default):
    /// <see cref="OAuthRequestsPerMinute"/> or <see cref="ServiceAccountKeyRequestsPerMinute"/>.
    /// </summary>
    public int? RequestsPerMinute { get; set; }

    /// <summary>Requests per minute the Keap account accepts from all its apps together. Default <see cref="DefaultAccountRequestsPerMinute"/>.</summary>
    public int AccountRequestsPerMinute { get; set; } = DefaultAccountRequestsPerMinute;

    /// <summary>
    /// This process's share of the limits, greater than 0 and at most 1. Keap counts per app across every process, so
    /// an application running on four servers sets 0.25. Default 1. Several instances that keep the default still
    /// converge under the limit (each narrows its rate on a 429), at the cost of a few refused requests.
    /// </summary>
    public double InstanceShare { get; set; } = 1;

    /// <summary>
    /// How many calls may wait for their turn at once; the next one fails at once with a
    /// <see cref="KeapApiException"/> without being sent. Default 10,000.
    /// </summary>
    public int QueueLimit { get; set; } = 10_000;
}
