using System.Threading.Channels;
using Keap.ServiceAccount.Tokens;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Keap.ServiceAccount.Hooks;

/// <summary>
/// Reconciles the subscriptions while the application is connected to Keap: once the host has started (Keap verifies
/// the hook URL during a subscribe, so the receiver must already answer), right after a connection is made (a reconnect
/// while connected included), and every
/// <c>Keap:Hooks:ReconcileInterval</c> on the <see cref="TimeProvider"/>. A failure is logged and tried again after
/// <see cref="RetryAfterFailure"/> (or the interval, if shorter).
/// </summary>
internal sealed class KeapHookReconcileService(
    IKeapHookSubscriptions subscriptions,
    IKeapHookSecretStore secrets,
    IKeapAuthorization authorization,
    KeapTokenManager tokens,
    IHostApplicationLifetime lifetime,
    IOptions<KeapHookOptions> options,
    TimeProvider timeProvider,
    ILogger<KeapHookReconcileService> logger) : BackgroundService
{
    public static readonly TimeSpan RetryAfterFailure = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken).ConfigureAwait(false);
        }

        // The token changes on connect (and on refresh, adoption, disconnect): a bounded channel of one wakes the loop once.
        var changed = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        void OnChanged() => changed.Writer.TryWrite(true);
        tokens.TokenChanged += OnChanged;
        try
        {
            var interval = options.Value.ReconcileInterval;
            var wasConnected = false;
            var connectionsSeen = tokens.Connections;
            var due = timeProvider.GetUtcNow();
            while (!stoppingToken.IsCancellationRequested)
            {
                // Read before the status: a connect landing in between is then seen again on the next wake.
                var connections = tokens.Connections;
                var state = await StateAsync(stoppingToken).ConfigureAwait(false);
                var now = timeProvider.GetUtcNow();
                if (state != KeapConnectionState.Connected)
                {
                    HookLog.NotConnected(logger, state);
                    due = now + interval;
                }
                else if (!wasConnected || connections != connectionsSeen || now >= due)
                {
                    // A reconnect while connected (another account, or one whose subscriptions are gone) reconciles too.
                    due = now + await ReconcileAsync(interval, stoppingToken).ConfigureAwait(false);
                }

                wasConnected = state == KeapConnectionState.Connected;
                connectionsSeen = connections;
                await WaitAsync(changed.Reader, due - timeProvider.GetUtcNow(), stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            tokens.TokenChanged -= OnChanged;
            changed.Writer.TryComplete();
        }
    }

    /// <returns>How long until the next reconciliation.</returns>
    private async Task<TimeSpan> ReconcileAsync(TimeSpan interval, CancellationToken stoppingToken)
    {
        try
        {
            var kept = await subscriptions.ReconcileAsync(stoppingToken).ConfigureAwait(false);
            HookLog.Reconciled(logger, kept.Count);
            var unverified = kept.Where(s => s.Status != KeapHookStatus.Verified).Select(s => s.EventKey.Value).ToList();
            if (unverified.Count > 0)
            {
                // A subscription Keap could not verify gets no delivery: usually the receiver is not where ReceiverUrl points.
                HookLog.NotVerified(logger, string.Join(", ", unverified));
            }

            return interval;
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            var retry = interval < RetryAfterFailure ? interval : RetryAfterFailure;
            HookLog.ReconcileFailed(logger, ex.GetType().Name, await RedactAsync(ex.Message).ConfigureAwait(false), retry);
            return retry;
        }
    }

    private async Task<KeapConnectionState> StateAsync(CancellationToken stoppingToken)
    {
        try
        {
            return (await authorization.GetStatusAsync(stoppingToken).ConfigureAwait(false)).State;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // An application's own store may throw its own exceptions: a background service that threw would stop the host.
            return KeapConnectionState.StoreUnavailable;
        }
    }

    // Keap's error message may quote the hook URL, which carries the path secret: the secret never reaches a log.
    private async Task<string> RedactAsync(string message)
    {
        try
        {
            var secret = await secrets.GetOrCreateAsync(CancellationToken.None).ConfigureAwait(false);
            return message.Replace(secret, "[path secret]", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // No secret could be read (an application's store may throw its own exceptions), so none was sent to Keap
            // either; and this runs in a catch block, where a throw would stop the host.
            return message;
        }
    }

    private async Task WaitAsync(ChannelReader<bool> changed, TimeSpan delay, CancellationToken stoppingToken)
    {
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var timer = Task.Delay(delay > TimeSpan.Zero ? delay : TimeSpan.Zero, timeProvider, wake.Token);
        var signal = changed.WaitToReadAsync(wake.Token).AsTask();
        await Task.WhenAny(timer, signal).ConfigureAwait(false);
        await wake.CancelAsync().ConfigureAwait(false);
        changed.TryRead(out _);
        stoppingToken.ThrowIfCancellationRequested();
    }
}
