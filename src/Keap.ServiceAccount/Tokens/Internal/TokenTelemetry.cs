using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Keap.ServiceAccount.Tokens.Internal;

/// <summary>The token path's instruments: refresh count, failures, duration and the live token's time to expiry.</summary>
internal sealed class TokenTelemetry
{
    public static readonly ActivitySource ActivitySource = new(KeapServiceAccountDiagnostics.ActivitySourceName);

    private readonly Counter<long> _refreshes;
    private readonly Counter<long> _failures;
    private readonly Histogram<double> _duration;

    public TokenTelemetry(IMeterFactory meterFactory, Func<double?> secondsToExpiry)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(KeapServiceAccountDiagnostics.MeterName);
        _refreshes = meter.CreateCounter<long>("keap.token.refreshes", "{refresh}", "Successful token refreshes by this process.");
        _failures = meter.CreateCounter<long>("keap.token.refresh_failures", "{failure}", "Failed token refreshes by this process.");
        _duration = meter.CreateHistogram<double>("keap.token.refresh.duration", "s", "Duration of token refreshes.");
        meter.CreateObservableGauge(
            "keap.token.time_to_expiry",
            () => secondsToExpiry() is { } seconds ? [new Measurement<double>(seconds)] : Array.Empty<Measurement<double>>(),
            "s",
            "Seconds until the current access token expires.");
    }

    public void Refreshed(TimeSpan duration)
    {
        if (_refreshes.Enabled)
        {
            _refreshes.Add(1);
        }

        RecordDuration(duration);
    }

    public void Failed(string reason, TimeSpan duration)
    {
        if (_failures.Enabled)
        {
            _failures.Add(1, new KeyValuePair<string, object?>("reason", reason));
        }

        RecordDuration(duration);
    }

    private void RecordDuration(TimeSpan duration)
    {
        if (_duration.Enabled)
        {
            _duration.Record(duration.TotalSeconds);
        }
    }
}
