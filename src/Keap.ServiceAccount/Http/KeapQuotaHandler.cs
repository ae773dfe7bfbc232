using Keap.ServiceAccount.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Keap.ServiceAccount.Http;

/// <summary>
/// Per attempt: waits first when Keap's last quota figures say few requests are left (so the window is not exhausted
/// into 429s), then records the figures and the request metric from the response.
/// </summary>
internal sealed class KeapQuotaHandler(
    KeapQuotaMonitor monitor,
    KeapApiMetrics metrics,
    TimeProvider time,
    IOptions<KeapServiceAccountOptions> options,
    ILogger<KeapQuotaHandler> logger) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var current = options.Value;
        if (current.QuotaPacing)
        {
            // Capped below the attempt timeout so pacing never turns into a timed-out attempt.
            var delay = monitor.PacingDelay(time.GetUtcNow());
            var cap = current.ApiAttemptTimeout / 2;
            delay = delay > cap ? cap : delay;
            if (delay > TimeSpan.Zero)
            {
                ApiLog.PacingDelay(logger, delay, monitor.Current?.ThrottleAvailable, monitor.Current?.QuotaAvailable);
                await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            }
        }

        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        metrics.RequestCompleted(request.Method, response.StatusCode);
        if (!response.IsSuccessStatusCode)
        {
            ApiLog.RequestFailed(logger, (int)response.StatusCode, request.Method.Method, request.RequestUri?.AbsolutePath);
        }

        if (KeapQuotaHeaders.Read(response.Headers, time.GetUtcNow()) is { } snapshot)
        {
            // Warn once when the quota becomes low, not on every response after that.
            var wasLow = KeapQuotaMonitor.IsQuotaLow(monitor.Current);
            monitor.Record(snapshot);
            if (!wasLow && KeapQuotaMonitor.IsQuotaLow(snapshot))
            {
                ApiLog.QuotaLow(logger, snapshot.QuotaAvailable ?? 0, snapshot.QuotaLimit ?? 0, snapshot.QuotaExpiresAt);
            }
        }

        return response;
    }
}
