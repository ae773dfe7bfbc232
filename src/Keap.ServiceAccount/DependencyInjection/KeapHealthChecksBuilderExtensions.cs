using Keap.ServiceAccount.Tokens;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the Keap connection health check.</summary>
public static class KeapHealthChecksBuilderExtensions
{
    /// <summary>
    /// Reports the Keap connection: Healthy when connected, Degraded when a refresh is failing but the token is still
    /// valid or the refresh token ends within 7 days, and <paramref name="failureStatus"/> (default Unhealthy) when
    /// not connected or re-authorization is needed.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name.</param>
    /// <param name="failureStatus">The status reported when the connection is unusable; Unhealthy by default.</param>
    /// <param name="tags">Tags to filter checks by.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddKeapServiceAccount(
        this IHealthChecksBuilder builder,
        string name = "keap",
        HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return builder.Add(new HealthCheckRegistration(
            name,
            sp => ActivatorUtilities.CreateInstance<KeapHealthCheck>(sp),
            failureStatus,
            tags));
    }
}
