using System.Diagnostics.Metrics;
using System.Net;

namespace Keap.ServiceAccount.Diagnostics;

/// <summary>API request counts and the latest quota figures as metrics.</summary>
internal sealed class KeapApiMetrics
{
    private readonly Counter<long> _requests;

    public KeapApiMetrics(IMeterFactory meterFactory, IKeapApiGauges gauges)
    {
        var meter = meterFactory.Create(KeapServiceAccountDiagnostics.MeterName);
        _requests = meter.CreateCounter<long>("keap.api.requests", "{request}", "API attempts sent to Keap, by method and status.");
        meter.CreateObservableGauge(
            "keap.api.quota.available",
            () => Observe(gauges.QuotaAvailable),
            "{request}",
            "Requests left in Keap's quota window, from the latest response.");
        meter.CreateObservableGauge(
            "keap.api.throttle.available",
            () => Observe(gauges.ThrottleAvailable),
            "{request}",
            "Requests left in Keap's throttle window, from the latest response.");
        meter.CreateObservableGauge(
            "keap.api.tenant_throttle.available",
            () => Observe(gauges.TenantThrottleAvailable),
            "{request}",
            "Requests left in the Keap account's tenant throttle window (all apps together), from the latest response.");
        meter.CreateObservableGauge(
            "keap.api.spike_limit",
            () => gauges.SpikeLimitPerSecond is { } spike ? [new Measurement<double>(spike)] : Array.Empty<Measurement<double>>(),
            "{request}/s",
            "Keap's spike arrest rate from x-keap-product-spike-limit.");
        meter.CreateObservableGauge(
            "keap.api.rate_limit.rate",
            () => gauges.CurrentRate,
            "{request}/s",
            "The rate the client-side limiter lets requests start at: Keap's limits for the credential times the instance share, narrowed after a 429.");
        meter.CreateObservableGauge(
            "keap.api.rate_limit.queued",
            () => gauges.QueuedCount,
            "{call}",
            "Calls waiting for their turn under the client-side rate limit.");
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
