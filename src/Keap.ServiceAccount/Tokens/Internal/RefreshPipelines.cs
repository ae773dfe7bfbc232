using Polly;
using Polly.Retry;

namespace Keap.ServiceAccount.Tokens.Internal;

/// <summary>The waits and retries of one refresh, as Polly v8 pipelines on the registered <see cref="TimeProvider"/>.</summary>
internal static class RefreshPipelines
{
    private const int MaxEndpointAttempts = 4;
    private static readonly TimeSpan MaxEndpointRetryDelay = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MaxSaveRetryDelay = TimeSpan.FromSeconds(5);
    /// <summary>
    /// Until when a refresh token sent under a lease asked for at <paramref name="askedAt"/> (this instance's clock) waits
    /// for Keap's answer: the lease's end, less the save reserve (<see cref="KeapRefreshOptions.SaveReserve"/>).
    /// </summary>
    public static DateTimeOffset AnswerDeadline(DateTimeOffset askedAt, TimeSpan leaseDuration) => askedAt + leaseDuration - KeapRefreshOptions.SaveReserve(leaseDuration);

    /// <summary>Waits for another instance's lease: 200 ms doubling to 5 s while <paramref name="busy"/>, until <paramref name="giveUpAt"/>.</summary>
    public static ResiliencePipeline<T> LeaseWait<T>(TimeProvider time, DateTimeOffset giveUpAt, Func<T, bool> busy, Action onWait) =>
        new ResiliencePipelineBuilder<T> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<T>
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is { } result && busy(result) && time.GetUtcNow() < giveUpAt),
                MaxRetryAttempts = int.MaxValue,
                Delay = TimeSpan.FromMilliseconds(200),
                MaxDelay = TimeSpan.FromSeconds(5),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = false,
                OnRetry = _ =>
                {
                    onWait();
                    return default;
                },
            })
            .Build();

    /// <summary>
    /// Repeats the same refresh token only when nothing reached Keap or Keap answered that no token came (a 5xx or 429;
    /// see <see cref="TokenEndpointResult.MayResend"/>), never after silence or a connection lost once the request was
    /// sent; at most four attempts 1, 2, 4 s apart, and only while <paramref name="answerBy"/> leaves another attempt
    /// <paramref name="requestTimeout"/> to be answered.
    /// </summary>
    public static ResiliencePipeline<TokenEndpointResult> Endpoint(TimeProvider time, DateTimeOffset answerBy, TimeSpan requestTimeout, Action<TokenEndpointResult, TimeSpan> onRetry) =>
        new ResiliencePipelineBuilder<TokenEndpointResult> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<TokenEndpointResult>
            {
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Result is { MayResend: true } && time.GetUtcNow() + MaxEndpointRetryDelay + requestTimeout <= answerBy),
                MaxRetryAttempts = MaxEndpointAttempts - 1,
                Delay = TimeSpan.FromSeconds(1),
                MaxDelay = MaxEndpointRetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = false,
                OnRetry = args =>
                {
                    onRetry(args.Outcome.Result!, args.RetryDelay);
                    return default;
                },
            })
            .Build();

    /// <summary>Retries a save the store failed (250 ms doubling to 5 s) while the lease ending at <paramref name="leaseExpiresAt"/> lasts.</summary>
    public static ResiliencePipeline<StoredToken?> Save(TimeProvider time, DateTimeOffset leaseExpiresAt, Action<Exception> onRetry) =>
        new ResiliencePipelineBuilder<StoredToken?> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<StoredToken?>
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is TokenStoreException && time.GetUtcNow() + MaxSaveRetryDelay < leaseExpiresAt),
                MaxRetryAttempts = int.MaxValue,
                Delay = TimeSpan.FromMilliseconds(250),
                MaxDelay = MaxSaveRetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = false,
                OnRetry = args =>
                {
                    onRetry(args.Outcome.Exception!);
                    return default;
                },
            })
            .Build();
}
