using System.Net;
using Keap.ServiceAccount.Diagnostics;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.RateLimiting;
using Polly.Retry;
using Polly.Timeout;

namespace Keap.ServiceAccount.Http;

/// <summary>
/// The resilience pipeline around every API attempt: total timeout → retry → circuit breaker → rate limiter → attempt
/// timeout. Waiting for a turn under the rate limit counts toward the total timeout, not the attempt's.
/// </summary>
/// <remarks>
/// What is retried: 408, 429, 5xx, transport errors and attempt timeouts, for requests that are safe to repeat.
/// A 429 is always safe (Keap refused it before doing anything) and does not use up the retries: it is repeated, after
/// the pause Keap asked for, until the total timeout. The circuit breaker counts only 5xx and transport failures: a
/// 429 says Keap is healthy and busy, never a reason to stop calling it. Anything else on a POST or PATCH is retried only
/// when its sender declared the request repeatable (<see cref="KeapRequestMarks.Repeatable"/>). One rule decides
/// the mark for every write: a request that adds something each time it is applied is never repeated. So the upsert by
/// email and the contact update are marked only when they carry no UTM parameters (each write of those adds a UTM
/// touch) and no unmodelled property; the email opt-in change, applyTags and removeTags are marked; a plain contact or
/// tag creation is not. An unmarked POST or PATCH may have been applied before the failure, so it is surfaced instead
/// (the tag get-or-create recovers by looking the tag up again).
/// <para>
/// Built once per service provider, outside Polly's pipeline registry and without Polly's telemetry: the registry's
/// reload tracking and the telemetry's per-attempt events cost about 0.45 KB a call (see docs/benchmarks.md), and the
/// events that matter here (retries, the circuit opening and closing, refusals) have their own logs and metrics.
/// </para>
/// </remarks>
internal sealed class KeapResilience
{
    public const string PipelineName = "keap-api";

    public KeapResilience(IOptions<KeapServiceAccountOptions> options, TimeProvider time, KeapRateLimiter limiter, ILogger<KeapResilience> logger)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { Name = PipelineName, TimeProvider = time };
        Configure(builder, options.Value, time, limiter, logger);
        Pipeline = builder.Build();
    }

    /// <summary>The one pipeline every API call of this service provider shares, so that they share one circuit breaker.</summary>
    public ResiliencePipeline<HttpResponseMessage> Pipeline { get; }

    private static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, KeapServiceAccountOptions options, TimeProvider time, KeapRateLimiter limiter, ILogger logger)
    {
        pipeline.AddTimeout(new TimeoutStrategyOptions { Timeout = options.Api.Timeouts.Total, Name = "total" });

        // Polly requires at least one attempt in a retry strategy; zero retries means no strategy.
        if (options.Api.Retry.MaxAttempts > 0)
        {
            pipeline.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                // 429s are repeated until the total timeout; ShouldRetry counts the other failures against the option.
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.Api.Retry.BaseDelay,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.AttemptNumber, args.Context.GetRequestMessage(), options, time, logger)),
                DelayGenerator = args => ValueTask.FromResult(RetryDelay(args.Outcome, options, time)),
                OnRetry = args =>
                {
                    var request = args.Context.GetRequestMessage();
                    if (args.Outcome.Result?.StatusCode != HttpStatusCode.TooManyRequests)
                    {
                        request?.Options.Set(KeapRequestMarks.MayHaveReachedKeap, true);
                    }

                    var outcome = Describe(args.Outcome);
                    var path = KeapApiErrors.SafePath(request?.RequestUri);
                    ApiLog.Retry(logger, request?.Method.Method, path, args.RetryDelay, args.AttemptNumber + 1, outcome);
                    return ValueTask.CompletedTask;
                },
            });
        }

        pipeline
            .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
                Name = "breaker",
                FailureRatio = options.Api.CircuitBreaker.FailureRatio,
                MinimumThroughput = options.Api.CircuitBreaker.MinimumThroughput,
                SamplingDuration = options.Api.CircuitBreaker.SamplingDuration,
                BreakDuration = options.Api.CircuitBreaker.BreakDuration,
                ShouldHandle = args => ValueTask.FromResult(IsFailure(args.Outcome)),
                OnOpened = args =>
                {
                    ApiLog.CircuitOpened(logger, args.BreakDuration);
                    return ValueTask.CompletedTask;
                },
                OnClosed = _ =>
                {
                    ApiLog.CircuitClosed(logger);
                    return ValueTask.CompletedTask;
                },
            })
            .AddRateLimiter(new RateLimiterStrategyOptions
            {
                Name = "rate",
                RateLimiter = args => limiter.AcquireAsync(args.Context.GetRequestMessage(), args.Context.CancellationToken),
            })
            .AddTimeout(new TimeoutStrategyOptions { Timeout = options.Api.Timeouts.Attempt, Name = "attempt" });
    }

    /// <summary>What the circuit breaker counts: Keap failing (5xx) or not answering, never a refusal such as a 429.</summary>
    internal static bool IsFailure(Outcome<HttpResponseMessage> outcome) => outcome.Result is { } response
        ? (int)response.StatusCode >= 500
        : outcome.Exception is HttpRequestException or TimeoutRejectedException;

    /// <summary>
    /// Whether repeating <paramref name="request"/> cannot apply it twice: what its sender declared
    /// (<see cref="KeapRequestMarks.Declared"/>: the typed clients' mark, <see cref="KeapHttp.MarkKeapRepeatable(HttpRequestMessage)"/>
    /// or <see cref="KeapRepeatableAttribute"/>) when anything, otherwise the method's meaning (a POST or PATCH
    /// may create or change something each time it arrives).
    /// </summary>
    internal static bool IsSafeToRepeat(HttpRequestMessage? request)
    {
        if (request is null)
        {
            return false;
        }

        return KeapRequestMarks.Declared(request) ?? (request.Method != HttpMethod.Post && request.Method != HttpMethod.Patch);
    }

    private static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, int attempt, HttpRequestMessage? request, KeapServiceAccountOptions options, TimeProvider time, ILogger logger)
    {
        if (outcome.Result is { } response)
        {
            var status = (int)response.StatusCode;
            if (status is not (408 or 429 or >= 500))
            {
                return false;
            }

            // Waiting longer than the whole call may take is pointless: surface the answer now.
            if (KeapQuotaHeaders.ServerDelay(response, time.GetUtcNow()) >= options.Api.Timeouts.Total)
            {
                return false;
            }

            // A 429 was refused before anything was applied, so even a plain create may repeat, and it spends no retry.
            return response.StatusCode == HttpStatusCode.TooManyRequests
                || (attempt < options.Api.Retry.MaxAttempts && SafeOrLogged(request, outcome, logger));
        }

        // A transport error or attempt timeout may strike after Keap applied the request, like a 5xx.
        return outcome.Exception is HttpRequestException or TimeoutRejectedException
            && attempt < options.Api.Retry.MaxAttempts
            && SafeOrLogged(request, outcome, logger);
    }

    private static bool SafeOrLogged(HttpRequestMessage? request, Outcome<HttpResponseMessage> outcome, ILogger logger)
    {
        if (IsSafeToRepeat(request))
        {
            return true;
        }

        var described = Describe(outcome);
        var path = KeapApiErrors.SafePath(request?.RequestUri);
        ApiLog.RetryNotSafe(logger, request?.Method.Method ?? "?", path, described);

        return false;
    }

    /// <summary>
    /// The wait before a retry: what the server asked for; else, for a 429, none here, because the rate limiter already
    /// holds every attempt for the spike window and narrows the rate; <see langword="null"/> falls back to jittered backoff.
    /// </summary>
    private static TimeSpan? RetryDelay(Outcome<HttpResponseMessage> outcome, KeapServiceAccountOptions options, TimeProvider time)
    {
        if (outcome.Result is not { } response)
        {
            return null;
        }

        return KeapQuotaHeaders.ServerDelay(response, time.GetUtcNow())
            ?? (response.StatusCode == HttpStatusCode.TooManyRequests && options.RateLimit.Enabled ? TimeSpan.Zero : null);
    }

    private static string Describe(Outcome<HttpResponseMessage> outcome) =>
        outcome.Result is { } r ? ((int)r.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture) : outcome.Exception?.GetType().Name ?? "unknown";
}
