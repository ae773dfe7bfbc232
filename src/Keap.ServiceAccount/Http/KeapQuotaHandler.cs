using System.Net;
using Keap.ServiceAccount.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Keap.ServiceAccount.Http;

/// <summary>
/// Per attempt, after the rate limiter let it through: records the request metric and Keap's quota figures from the
/// response, and tells the limiter whether Keap refused (429: hold and narrow) or answered (widen).
/// </summary>
internal sealed class KeapQuotaHandler(
    KeapQuotaMonitor monitor,
    KeapRateLimiter limiter,
    KeapApiMetrics metrics,
    TimeProvider time,
    ILogger<KeapQuotaHandler> logger) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        metrics.RequestCompleted(request.Method, response.StatusCode);
        if (!response.IsSuccessStatusCode)
        {
            var path = KeapApiErrors.SafePath(request.RequestUri);
            ApiLog.RequestFailed(logger, (int)response.StatusCode, request.Method.Method, path);
        }

        var now = time.GetUtcNow();
        var hasFigures = KeapQuotaHeaders.TryRead(response.Headers, now, out var figures);
        if (hasFigures && monitor.Record(figures))
        {
            // Warned once when the quota becomes low, not on every response after that.
            ApiLog.QuotaLow(logger, figures.Quota.Available ?? 0, figures.Quota.Limit ?? 0, figures.Quota.ExpiresAt);
        }

        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            // A bare 429 is the spike arrest (or a spent throttle, which the pacing then spreads out): hold for its window.
            limiter.Refused(now, KeapQuotaHeaders.ServerDelay(response, now) ?? KeapRateLimiter.SpikeWindow);
        }
        else if (hasFigures)
        {
            limiter.Answered(now, figures);
        }

        return response;
    }
}
