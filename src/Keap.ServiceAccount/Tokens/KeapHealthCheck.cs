using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Keap.ServiceAccount.Tokens;

/// <summary>Maps the connection status to health: Unhealthy without a usable connection, Degraded when it needs attention soon (a refresh or the store failing while the token is still valid, a refresh token near its end).</summary>
internal sealed class KeapHealthCheck(IKeapAuthorization authorization, TimeProvider timeProvider) : IHealthCheck
{
    /// <summary>Below this many days left on the refresh token, an administrator should look.</summary>
    public const int RefreshTokenWarningDays = 7;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        // A store failure is a state of the status (StoreUnavailable), not an exception.
        var status = await authorization.GetStatusAsync(cancellationToken).ConfigureAwait(false);

        var data = new Dictionary<string, object>
        {
            ["state"] = status.State.ToString(),
        };
        if (status.AccessTokenExpiresAt is { } expires)
        {
            data["access_token_expires_at"] = expires.ToString("O", CultureInfo.InvariantCulture);
        }

        if (status.RefreshTokenDaysLeft is { } daysLeft)
        {
            data["refresh_token_days_left"] = daysLeft;
        }

        if (status.UsesServiceAccountKey)
        {
            return HealthCheckResult.Healthy("Keap is reached with a Service Account Key.", data);
        }

        var stillValid = status.AccessTokenExpiresAt > timeProvider.GetUtcNow();
        switch (status.State)
        {
            case KeapConnectionState.NotConnected:
                return new HealthCheckResult(context.Registration.FailureStatus, "Not connected to Keap: an administrator has to connect the application.", data: data);
            case KeapConnectionState.NeedsReauthorization:
                return new HealthCheckResult(context.Registration.FailureStatus, $"Keap needs re-authorization: {status.LastError}", data: data);
            case KeapConnectionState.StoreUnavailable:
                return stillValid
                    ? HealthCheckResult.Degraded($"The Keap token store is unavailable; the token in memory is still valid: {status.LastError}", data: data)
                    : new HealthCheckResult(context.Registration.FailureStatus, $"The Keap token store is unavailable: {status.LastError}", data: data);
            case KeapConnectionState.RefreshFailing:
                return stillValid
                    ? HealthCheckResult.Degraded($"Token refresh is failing, the current token is still valid: {status.LastError}", data: data)
                    : new HealthCheckResult(context.Registration.FailureStatus, $"Token refresh is failing and the token has expired: {status.LastError}", data: data);
        }

        if (status.RefreshTokenDaysLeft < RefreshTokenWarningDays)
        {
            return HealthCheckResult.Degraded($"The Keap refresh token ends in {status.RefreshTokenDaysLeft} days.", data: data);
        }

        return HealthCheckResult.Healthy("Connected to Keap.", data);
    }
}
