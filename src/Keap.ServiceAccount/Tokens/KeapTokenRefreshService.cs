using System.Security.Cryptography;
using Keap.ServiceAccount.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Keap.ServiceAccount.Tokens;

/// <summary>
/// Renews the token in the background: at the start of the soft window (with jitter so a farm does not
/// contend at one instant) and when an idle refresh token reaches its keep-alive age. Idle without a token.
/// </summary>
internal sealed class KeapTokenRefreshService(
    KeapTokenManager manager,
    ITokenStore store,
    IOptionsMonitor<KeapServiceAccountOptions> options,
    TimeProvider timeProvider,
    ILogger<KeapTokenRefreshService> logger) : BackgroundService
{
    // Without a token (or needing re-authorization) look again now and then: another instance may connect.
    private static readonly TimeSpan IdlePoll = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan MaxJitter = TimeSpan.FromMinutes(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.CurrentValue.UsesServiceAccountKey)
        {
            return;
        }

        var changed = new SemaphoreSlim(0);
        void OnChanged() => changed.Release();
        manager.TokenChanged += OnChanged;
        try
        {
            var backoff = FirstBackoff;
            while (!stoppingToken.IsCancellationRequested)
            {
                TimeSpan wait;
                try
                {
                    wait = await PlanAsync(stoppingToken).ConfigureAwait(false);
                    if (wait <= TimeSpan.Zero)
                    {
                        var outcome = await manager.RefreshAsync(forceVersion: null).WaitAsync(stoppingToken).ConfigureAwait(false);
                        if (outcome.Kind == RefreshKind.Failed && outcome.State == KeapConnectionState.Connected)
                        {
                            TokenLog.BackgroundRefreshBackoff(logger, backoff);
                            wait = backoff;
                            backoff = Min(backoff * 2, MaxBackoff);
                        }
                        else
                        {
                            backoff = FirstBackoff;
                            continue;
                        }
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    TokenLog.BackgroundRefreshError(logger, ex, backoff);
                    wait = backoff;
                    backoff = Min(backoff * 2, MaxBackoff);
                }

                await WaitAsync(changed, wait, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            manager.TokenChanged -= OnChanged;
            manager.ScheduledRefreshAt = null;
            changed.Dispose();
        }
    }

    /// <summary>How long to wait before the next refresh; zero or less means now.</summary>
    private async Task<TimeSpan> PlanAsync(CancellationToken cancellationToken)
    {
        var stored = await store.GetAsync(cancellationToken).ConfigureAwait(false);
        var status = stored is null ? null : await manager.GetStatusAsync(cancellationToken).ConfigureAwait(false);
        if (stored is null || status?.State == KeapConnectionState.NeedsReauthorization)
        {
            manager.ScheduledRefreshAt = null;
            return IdlePoll;
        }

        var planned = manager.PlanRefresh(stored.Token);
        var now = timeProvider.GetUtcNow();
        if (planned <= now)
        {
            return TimeSpan.Zero;
        }

        // Spread a farm's refreshes a little later into the soft window; never past half of it.
        var jitterRange = Min(MaxJitter, options.CurrentValue.SoftRefreshWindow / 2);
        var due = planned + TimeSpan.FromMilliseconds(RandomNumberGenerator.GetInt32((int)Math.Max(1, jitterRange.TotalMilliseconds)));
        manager.ScheduledRefreshAt = due;
        TokenLog.RefreshScheduled(logger, due);
        return due - now;
    }

    private async Task WaitAsync(SemaphoreSlim changed, TimeSpan wait, CancellationToken stoppingToken)
    {
        // Cancelling the loser (the delay or the signal wait) keeps no timer or waiter behind.
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var delay = Task.Delay(wait, timeProvider, timer.Token);
        var signal = changed.WaitAsync(timer.Token);
        await Task.WhenAny(delay, signal).ConfigureAwait(false);
        await timer.CancelAsync().ConfigureAwait(false);
        stoppingToken.ThrowIfCancellationRequested();
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
