namespace Keap.ServiceAccount;

/// <summary>Names to subscribe to for Keap.ServiceAccount's metrics and traces.</summary>
public static class KeapServiceAccountDiagnostics
{
    /// <summary>The name of the <see cref="System.Diagnostics.Metrics.Meter"/> (refreshes, failures, token time-to-expiry, API quotas).</summary>
    public const string MeterName = "Keap.ServiceAccount";

    /// <summary>The name of the <see cref="System.Diagnostics.ActivitySource"/> (a span per token refresh).</summary>
    public const string ActivitySourceName = "Keap.ServiceAccount";
}
