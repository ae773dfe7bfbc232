using System.Net;
using Keap.ServiceAccount.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Keap.ServiceAccount.Http;

/// <summary>
/// The resilience pipeline around every API attempt: total timeout → retry → circuit breaker → attempt timeout.
/// </summary>
/// <remarks>
/// What is retried: 408, 429, 5xx, transport errors and attempt timeouts, for requests that are safe to repeat.
/// A 429 is always safe (Keap refused it before doing anything). Anything else on a POST or PATCH is retried only
/// when the typed client marked the request repeatable (<see cref="KeapRequestMarks.Repeatable"/>): the upsert by
/// email and applyTags / removeTags. An unmarked POST or PATCH, such as a plain contact or tag creation, may have been
/// applied before the failure, so it is surfaced instead (the tag get-or-create recovers by looking the tag up again).
/// </remarks>
internal static class KeapResilience
{
    public const string PipelineName = "keap-api";

    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, IServiceProvider services, KeapServiceAccountOptions options)
    {
        var time = services.GetRequiredService<TimeProvider>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(KeapResilience).FullName!);

        pipeline.AddTimeout(new TimeoutStrategyOptions { Timeout = options.ApiTotalTimeout, Name = "total" });

        // Polly requires at least one attempt in a retry strategy; zero retries means no strategy.
        if (options.ApiMaxRetryAttempts > 0)
        {
            pipeline.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.ApiMaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.ApiRetryBaseDelay,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.Context.GetRequestMessage(), options, time, logger)),
                DelayGenerator = args => ValueTask.FromResult(ServerDelay(args.Outcome, time)),
                OnRetry = args =>
                {
                    var request = args.Context.GetRequestMessage();
                    var outcome = Describe(args.Outcome);
                    ApiLog.Retry(logger, request?.Method.Method, request?.RequestUri?.AbsolutePath, args.RetryDelay, args.AttemptNumber + 1, outcome);
                    return ValueTask.CompletedTask;
                },
            });
        }

        pipeline
            .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions { Name = "breaker" })
            .AddTimeout(new TimeoutStrategyOptions { Timeout = options.ApiAttemptTimeout, Name = "attempt" });
    }

    /// <summary>
    /// Whether repeating <paramref name="request"/> cannot apply it twice: the typed client's
    /// <see cref="KeapRequestMarks.Repeatable"/> mark when present, otherwise the method's meaning (a POST or PATCH
    /// may create or change something each time it arrives).
    /// </summary>
    internal static bool IsSafeToRepeat(HttpRequestMessage? request)
    {
        if (request is null)
        {
            return false;
        }

        if (request.Options.TryGetValue(KeapRequestMarks.Repeatable, out var repeatable))
        {
            return repeatable;
        }

        return request.Method != HttpMethod.Post && request.Method != HttpMethod.Patch;
    }

    private static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, HttpRequestMessage? request, KeapServiceAccountOptions options, TimeProvider time, ILogger logger)
    {
        if (outcome.Result is { } response)
        {
            var status = (int)response.StatusCode;
            if (status is not (408 or 429 or >= 500))
            {
                return false;
            }

            // Waiting longer than the whole call may take is pointless: surface the answer now.
            if (ServerDelay(outcome, time) >= options.ApiTotalTimeout)
            {
                return false;
            }

            // A 429 was refused before anything was applied, so even a plain create may repeat.
            return response.StatusCode == HttpStatusCode.TooManyRequests || SafeOrLogged(request, outcome, logger);
        }

        // A transport error or attempt timeout may strike after Keap applied the request, like a 5xx.
        return outcome.Exception is HttpRequestException or TimeoutRejectedException && SafeOrLogged(request, outcome, logger);
    }

    private static bool SafeOrLogged(HttpRequestMessage? request, Outcome<HttpResponseMessage> outcome, ILogger logger)
    {
        if (IsSafeToRepeat(request))
        {
            return true;
        }

        var described = Describe(outcome);
        ApiLog.RetryNotSafe(logger, request?.Method.Method ?? "?", request?.RequestUri?.AbsolutePath, described);

        return false;
    }

    /// <summary>
    /// The wait the server asked for: <c>Retry-After</c> on any response (Keap on 429, proxies on 503), else on a 429
    /// the quota window's end when the quota is spent; <see langword="null"/> falls back to jittered backoff.
    /// </summary>
    private static TimeSpan? ServerDelay(Outcome<HttpResponseMessage> outcome, TimeProvider time)
    {
        if (outcome.Result is not { } response)
        {
            return null;
        }

        var now = time.GetUtcNow();
        if (KeapQuotaHeaders.RetryAfter(response.Headers, now) is { } retryAfter)
        {
            return retryAfter > TimeSpan.Zero ? retryAfter : TimeSpan.Zero;
        }

        return response.StatusCode == HttpStatusCode.TooManyRequests
            && KeapQuotaHeaders.Read(response.Headers, now) is { QuotaAvailable: <= 0, QuotaExpiresAt: { } expires }
            && expires > now
            ? expires - now
            : null;
    }

    private static string Describe(Outcome<HttpResponseMessage> outcome) =>
        outcome.Result is { } r ? ((int)r.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture) : outcome.Exception?.GetType().Name ?? "unknown";
}
