using System.Threading.Channels;
using Keap.ServiceAccount.Tokens.Internal;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace Keap.ServiceAccount.Tokens;

/// <summary>
/// Renews the token in the background at this instance's (jittered) start of the soft window and when an idle refresh
/// token reaches its keep-alive age, and checks the store now and then for other instances' changes. On stop, it waits
/// (bounded) for a refresh token already on the wire to be answered and stored.
/// </summary>
internal sealed class KeapTokenRefreshService(
    KeapTokenManager manager,
    RefreshCoordinator coordinator,
    IOptions<KeapServiceAccountOptions> options,
    TimeProvider timeProvider,
    ILogger<KeapTokenRefreshService> logger) : BackgroundService
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan MinWait = TimeSpan.FromSeconds(1);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await coordinator.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.UsesServiceAccountKey)
        {
            return;
        }

        // Keap or the store failing: try again ever more patiently (30 s to 15 min) instead of at the planned time.
        var rounds = new ResiliencePipelineBuilder<RefreshOutcome> { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions<RefreshOutcome>
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } ex
                    ? ex is not OperationCanceledException
                    : args.Outcome.Result is { Kind: RefreshKind.Failed, State: KeapConnectionState.RefreshFailing or KeapConnectionState.StoreUnavailable }),
                MaxRetryAttempts = int.MaxValue,
                Delay = FirstBackoff,
                MaxDelay = MaxBackoff,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = args =>
                {
                    if (args.Outcome.Exception is { } ex)
                    {
                        TokenLog.BackgroundRefreshError(logger, ex, args.RetryDelay);
                    }
                    else
                    {
                        TokenLog.BackgroundRefreshBackoff(logger, args.RetryDelay);
                    }

                    return default;
                },
            })
            .Build();
        // A change raised just as this loop ends (the event's subscriber list was read before the unsubscribe) may still
        // arrive: writing to a completed channel is a no-op, where a disposed semaphore would throw into the refresh.
        var changed = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        void OnChanged() => changed.Writer.TryWrite(true);
        manager.TokenChanged += OnChanged;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                // Refreshes when due, otherwise only reads the store: another instance's change is adopted here too.
                await rounds.ExecuteAsync(async ct => await manager.RefreshUnlessPausedAsync().WaitAsync(ct).ConfigureAwait(false), stoppingToken).ConfigureAwait(false);
                await WaitAsync(changed, Plan(), stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            manager.TokenChanged -= OnChanged;
            changed.Writer.TryComplete();
        }
    }

    /// <summary>How long to wait before looking again: until this instance's planned refresh, at most the store check interval.</summary>
    private TimeSpan Plan()
    {
        // Without a token (or needing re-authorization) look again now and then: another instance may connect.
        var poll = options.Value.Refresh.StoreCheckInterval;
        if (manager.NextRefreshAt is not { } due)
        {
            return poll;
        }

        TokenLog.RefreshScheduled(logger, due);
        var wait = due - timeProvider.GetUtcNow();
        return wait < MinWait ? MinWait : Min(wait, poll);
    }

    private async Task WaitAsync(Channel<bool> changed, TimeSpan wait, CancellationToken stoppingToken)
    {
        // Cancelling the loser (the delay or the signal wait) keeps no timer or waiter behind.
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var delay = Task.Delay(wait, timeProvider, timer.Token);
        var signal = changed.Reader.ReadAsync(timer.Token).AsTask();
        await Task.WhenAny(delay, signal).ConfigureAwait(false);
        await timer.CancelAsync().ConfigureAwait(false);
        stoppingToken.ThrowIfCancellationRequested();
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
