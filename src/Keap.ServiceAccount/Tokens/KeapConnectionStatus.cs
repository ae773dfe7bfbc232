namespace Keap.ServiceAccount;

/// <summary>How the application's connection to Keap stands, for an admin page or a health check. Holds no secret.</summary>
public sealed class KeapConnectionStatus
{
    /// <summary>The connection state.</summary>
    public required KeapConnectionState State { get; init; }

    /// <summary>Whether the application authenticates with a Service Account Key instead of OAuth (nothing to refresh).</summary>
    public bool UsesServiceAccountKey { get; init; }

    /// <summary>The Keap account host, when known.</summary>
    public string? Account { get; init; }

    /// <summary>When the access token expires.</summary>
    public DateTimeOffset? AccessTokenExpiresAt { get; init; }

    /// <summary>When the next refresh is planned.</summary>
    public DateTimeOffset? NextRefreshAt { get; init; }

    /// <summary>When the refresh token was issued.</summary>
    public DateTimeOffset? RefreshTokenIssuedAt { get; init; }

    /// <summary>How old the refresh token is.</summary>
    public TimeSpan? RefreshTokenAge { get; init; }

    /// <summary>Whole days left before the refresh token expires.</summary>
    public int? RefreshTokenDaysLeft { get; init; }

    /// <summary>When this process last refreshed successfully.</summary>
    public DateTimeOffset? LastRefreshAt { get; init; }

    /// <summary>
    /// Why the state is not <see cref="KeapConnectionState.Connected"/>: the recorded refusal, the last refresh or store
    /// failure. A rejected authorization callback is reported in its own result, never here.
    /// </summary>
    public string? LastError { get; init; }

    /// <summary>When <see cref="LastError"/> happened.</summary>
    public DateTimeOffset? LastErrorAt { get; init; }
}
