using System.Diagnostics.Metrics;
using System.Net;
using Keap.ServiceAccount.Http;

namespace Keap.ServiceAccount.Diagnostics;

/// <summary>API request counts and the latest quota figures as metrics.</summary>
internal sealed class KeapApiMetrics
{
    private readonly Counter<long> _requests;

    public KeapApiMetrics(IMeterFactory meterFactory, KeapQuotaMonitor monitor)
    {
        var meter = meterFactory.Create(KeapServiceAccountDiagnostics.MeterName);
        _requests = meter.CreateCounter<long>("keap.api.requests", "{request}", "API attempts sent to Keap, by method and status.");
        meter.CreateObservableGauge(
            "keap.api.quota.available",
            () => Observe(monitor.Current?.QuotaAvailable),
            "{request}",
            "Requests left in Keap's quota window, from the latest response.");
        meter.CreateObservableGauge(
            "keap.api.throttle.available",
            () => Observe(monitor.Current?.ThrottleAvailable),
            "{request}",
            "Requests left in Keap's throttle window, from the latest response.");
    }

    public void RequestCompleted(HttpMethod method, HttpStatusCode status)
    {
        if (_requests.Enabled)
        {
            _requests.Add(
                1,
                new KeyValuePair<string, object?>("http.request.method", method.Method),
                new KeyValuePair<string, object?>("http.response.status_code", (int)status));
        }
    }

    private static IEnumerable<Measurement<long>> Observe(long? value) => value is { } v ? [new Measurement<long>(v)] : [];
}
