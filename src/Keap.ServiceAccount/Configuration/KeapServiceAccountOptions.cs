using Keap.ServiceAccount.Configuration;
using Microsoft.Extensions.Options;

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

    /// <summary>When and how the OAuth token is refreshed (section <c>Keap:Refresh</c>).</summary>
    [ValidateObjectMembers]
    public KeapRefreshOptions Refresh { get; } = new();

    /// <summary>The administrator's consent flow (section <c>Keap:Authorization</c>).</summary>
    [ValidateObjectMembers]
    public KeapAuthorizationOptions Authorization { get; } = new();

    /// <summary>The resilience of every API call: timeouts, retries, circuit breaker, quota pacing (section <c>Keap:Api</c>).</summary>
    [ValidateObjectMembers]
    public KeapApiOptions Api { get; } = new();

    /// <summary>The tags client (section <c>Keap:Tags</c>).</summary>
    [ValidateObjectMembers]
    public KeapTagOptions Tags { get; } = new();

    /// <summary>
    /// The client-side rate limit (section <c>Keap:RateLimit</c>): on by default, at Keap's documented limits for the
    /// credential in use, queueing callers instead of letting Keap refuse them.
    /// </summary>
    public KeapRateLimitOptions RateLimit { get; } = new();

    /// <summary>Whether the application uses a Service Account Key rather than OAuth.</summary>
    public bool UsesServiceAccountKey => !string.IsNullOrWhiteSpace(ServiceAccountKey);
}
