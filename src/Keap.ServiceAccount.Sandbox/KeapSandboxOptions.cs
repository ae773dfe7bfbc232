namespace Keap.ServiceAccount.Sandbox;

/// <summary>How the Keap sandbox behaves: who may connect, token lifetimes, quotas and admin endpoints.</summary>
public sealed class KeapSandboxOptions
{
    /// <summary>The OAuth apps registered with the sandbox, each with its client id and secret. Defaults to one app, <c>sandbox-client</c>.</summary>
    public IList<KeapSandboxApp> Apps { get; } = [];

    /// <summary>Service Account Keys accepted in the <c>X-Keap-API-Key</c> header.</summary>
    public IList<string> ServiceAccountKeys { get; } = [];

    /// <summary>The account name put in the token scope (<c>full|{Account}</c>).</summary>
    public string Account { get; set; } = "sandbox.infusionsoft.com";

    /// <summary>Lifetime of an access token (Keap: 24 hours).</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Lifetime of a refresh token (Keap: 45 days).</summary>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(45);

    /// <summary>Lifetime of an authorization code.</summary>
    public TimeSpan AuthorizationCodeLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The app's daily quota: requests allowed per UTC day, reported in the <c>x-keap-product-quota-*</c> headers
    /// (Keap: 150,000 for an OAuth app, 30,000 for a Service Account Key). Generous by default.
    /// </summary>
    public int DailyQuota { get; set; } = 1_000_000;

    /// <summary>
    /// The app's throttle: requests allowed per minute, reported in the <c>x-keap-product-throttle-*</c> headers
    /// (Keap: 1,500 for an OAuth app, 240 for a Service Account Key). Generous by default.
    /// </summary>
    public int ThrottlePerMinute { get; set; } = 100_000;

    /// <summary>
    /// The account's (tenant's) throttle: requests allowed per minute across every app, reported in the
    /// <c>x-keap-tenant-throttle-*</c> headers (Keap: 10,000). Generous by default.
    /// </summary>
    public int TenantThrottlePerMinute { get; set; } = 100_000;

    /// <summary>
    /// The spike arrest: requests allowed per second (Keap: about 25 for an OAuth app, 10 for a Service Account Key).
    /// Like Keap's, it is unmetered: only <c>x-keap-product-spike-limit</c> states the limit, no header counts down
    /// before it refuses, and its 429 carries no quota headers. <see langword="null"/> (the default) turns it off.
    /// </summary>
    public int? SpikeArrestPerSecond { get; set; }

    /// <summary>
    /// Whether answers state the spike arrest's rate in <c>x-keap-product-spike-limit</c> (e.g. <c>25ps</c>). Default on;
    /// off, a client learns of the spike arrest only from its bare 429s.
    /// </summary>
    public bool AnnounceSpikeLimit { get; set; } = true;

    /// <summary>How <c>x-keap-product-quota-expiry-time</c> is written; Keap has been seen sending both. Default ISO 8601.</summary>
    public KeapSandboxExpiryFormat QuotaExpiryFormat { get; set; } = KeapSandboxExpiryFormat.Iso8601;

    /// <summary>Which of Keap's two 429 bodies refusals carry. Default the v2 JSON error body.</summary>
    public KeapSandboxRefusalBody RefusalBody { get; set; } = KeapSandboxRefusalBody.V2Error;

    /// <summary>
    /// A JSON file that keeps the sandbox's contacts, tags and OAuth grants across restarts; <see langword="null"/>
    /// (the default) keeps them in memory only. The file is read when the sandbox is mapped and rewritten (temporary
    /// file, then rename; owner-only permissions) after every request that may change it and after
    /// each change made through <see cref="KeapSandboxState"/> or <see cref="KeapSandboxServer.IssueToken"/>. Tokens are stored as SHA-256 hashes, never in clear. Counters, quota
    /// usage and queued faults are not kept.
    /// </summary>
    public string? StateFile { get; set; }

    /// <summary>
    /// Contact custom fields the sandbox defines when it is mapped (after loading <see cref="StateFile"/>), as a Keap
    /// user would in the account settings; a label already defined (case-insensitive) is left as it is. From
    /// configuration: <c>KeapSandbox:CustomFields:0:Label=Favorite Color</c>, <c>KeapSandbox:CustomFields:0:FieldType=DROPDOWN</c>,
    /// <c>KeapSandbox:CustomFields:0:Options:0=Blue</c>.
    /// </summary>
    public IList<KeapSandboxCustomField> CustomFields { get; } = [];

    /// <summary>
    /// Tag names the sandbox creates when it is mapped (after loading <see cref="StateFile"/>); a name that exists
    /// (case-insensitive) is left as it is. From configuration: <c>KeapSandbox:Tags:0=buttonpushed</c>.
    /// </summary>
    public IList<string> Tags { get; } = [];

    /// <summary>How REST hooks are delivered: delays, timeout and retries (<c>KeapSandbox:Hooks</c>).</summary>
    public KeapSandboxHookOptions Hooks { get; } = new();

    /// <summary>Whether <c>{prefix}/sandbox/...</c> admin endpoints (fault injection, reset) are served. Off by default.</summary>
    public bool EnableAdminEndpoints { get; set; }

    internal IEnumerable<KeapSandboxApp> EffectiveApps =>
        Apps.Count > 0 ? Apps : [KeapSandboxApp.Default];
}

/// <summary>A Keap developer app registered with the sandbox: the OAuth client that may ask for consent and tokens.</summary>
public sealed class KeapSandboxApp
{
    internal static readonly KeapSandboxApp Default = new()
    {
        ClientId = "sandbox-client",
        ClientSecret = "sandbox-secret",
        AllowAnyRedirectUri = true,
    };

    /// <summary>The client id (Keap: the app's key).</summary>
    public string ClientId { get; set; } = "";

    /// <summary>The client secret.</summary>
    public string ClientSecret { get; set; } = "";

    /// <summary>Redirect URIs the consent page may send the user back to (exact match).</summary>
    public IList<string> RedirectUris { get; } = [];

    /// <summary>Accept any absolute redirect URI; handy for local development, never how Keap behaves.</summary>
    public bool AllowAnyRedirectUri { get; set; }

    internal bool Accepts(string? redirectUri) =>
        redirectUri is not null
        && (RedirectUris.Contains(redirectUri, StringComparer.Ordinal)
            || (AllowAnyRedirectUri && Uri.TryCreate(redirectUri, UriKind.Absolute, out _)));
}

/// <summary>A contact custom field the sandbox defines at start (see <see cref="KeapSandboxOptions.CustomFields"/>).</summary>
public sealed class KeapSandboxCustomField
{
    /// <summary>The label Keap shows, for example <c>Favorite Color</c>. Required.</summary>
    public string Label { get; set; } = "";

    /// <summary>Keap's <c>field_type</c>, for example <c>TEXT</c>, <c>WHOLE_NUMBER</c>, <c>DATE</c>, <c>YES_NO</c> or <c>DROPDOWN</c>. Default <c>TEXT</c>.</summary>
    public string FieldType { get; set; } = "TEXT";

    /// <summary>The choices of a dropdown, radio or list box field.</summary>
    public IList<string> Options { get; } = [];
}

/// <summary>How the sandbox writes the quota expiry time.</summary>
public enum KeapSandboxExpiryFormat
{
    /// <summary>ISO 8601 in UTC, e.g. <c>2026-03-02T00:00:00Z</c>.</summary>
    Iso8601,

    /// <summary>Unix time in milliseconds, e.g. <c>1772409600000</c>.</summary>
    EpochMilliseconds,
}

/// <summary>The body of a 429; Keap sends either, depending on which layer refused.</summary>
public enum KeapSandboxRefusalBody
{
    /// <summary><c>{"code":"429","message":"Quota Exceeded","status":"Request Throttled"}</c>.</summary>
    V2Error,

    /// <summary>
    /// The gateway's <c>{"fault":{"faultstring":"…","detail":{"errorcode":"policies.ratelimit.QuotaViolation"}}}</c>
    /// (<c>…SpikeArrestViolation</c> when the spike arrest refused).
    /// </summary>
    GatewayFault,
}
