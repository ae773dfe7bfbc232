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

    /// <summary>API requests allowed per UTC day, reported in the <c>x-keap-product-quota-*</c> headers. Generous by default.</summary>
    public int QuotaPerDay { get; set; } = 1_000_000;

    /// <summary>API requests allowed per minute, reported in the <c>x-keap-product-throttle-*</c> headers. Generous by default.</summary>
    public int QuotaPerMinute { get; set; } = 100_000;

    /// <summary>API requests allowed per second; <see langword="null"/> (the default) turns the per-second throttle off.</summary>
    public int? ThrottlePerSecond { get; set; }

    /// <summary>
    /// A JSON file that keeps the sandbox's contacts, tags and OAuth grants across restarts; <see langword="null"/>
    /// (the default) keeps them in memory only. The file is read when the sandbox is mapped and rewritten (temporary
    /// file, then rename; owner-only permissions) after every request that may change it and after
    /// each change made through <see cref="KeapSandboxState"/> or <see cref="KeapSandboxServer.IssueToken"/>. Tokens are stored as SHA-256 hashes, never in clear. Counters, quota
    /// usage and queued faults are not kept.
    /// </summary>
    public string? StateFile { get; set; }

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
