using System.Net;
using Keap.ServiceAccount;
using Microsoft.Extensions.Options;

namespace ButtonPush.Outbox;

/// <summary>
/// Delivers outbox rows to Keap: claims what is due, runs it, and on failure schedules the next attempt with
/// exponential backoff and jitter, parking the row after <see cref="OutboxOptions.MaxAttempts"/> failures or at
/// once when Keap refuses it for good. Waiting is not failing: a row behind another row of its user is not claimed
/// at all, and a row that finds Keap not connected (or its quota used up) waits without spending an attempt.
/// A claim covers the one row running, renewed while it runs and released on stop, so a restart resumes at once and
/// a slow call never lets a second instance send the same row.
/// </summary>
internal sealed partial class OutboxWorker(
    OutboxStore store,
    IServiceScopeFactory scopes,
    OutboxSignal signal,
    IOptions<OutboxOptions> options,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<OutboxWorker> logger) : BackgroundService
{
    private const int MaxErrorLength = 500;

    /// <summary>This worker's mark on the rows it claims.</summary>
    private readonly string claim = Guid.NewGuid().ToString("N");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Keap may be this very app (the embedded sandbox): no call before the server listens.
        LogWaitingForStart(logger);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            try
            {
                await started.Task.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await DrainAsync(stoppingToken);
                await signal.WaitAsync(await NextWaitAsync(stoppingToken), time, stoppingToken);
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                // Stopping: the row cut short was released and is due again.
                return;
            }
            catch (Exception ex)
            {
                // The database itself failed; a claimed row comes back when its claim lapses.
                LogWorkerFailed(logger, ex);
                await signal.WaitAsync(options.Value.PollInterval, time, stoppingToken);
            }
        }
    }

    /// <summary>Runs every due row until none is left.</summary>
    internal async Task DrainAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        while (true)
        {
            var due = await store.ListDueAsync(settings.BatchSize, cancellationToken);
            if (due.Count == 0)
            {
                return;
            }

            for (var i = 0; i < due.Count; i++)
            {
                // Claimed just before it runs: the rest of the batch stays free for other instances and a restart.
                if (await store.TryClaimAsync(due[i].Id, claim, time.GetUtcNow() + settings.ClaimDuration, cancellationToken) is not { } item)
                {
                    continue;
                }

                if (await RunClaimedAsync(item, settings, cancellationToken) is { } wait)
                {
                    // Keap is not reachable for anyone: the rest of the batch waits too, without a call each.
                    foreach (var rest in due.Skip(i + 1))
                    {
                        await WaitAsync(rest, null, wait, settings, cancellationToken);
                    }

                    return;
                }
            }
        }
    }

    /// <summary>Runs a claimed row, renewing the claim while it runs and releasing it if the worker stops meanwhile.</summary>
    private async Task<(string For, string Reason)?> RunClaimedAsync(OutboxItem item, OutboxOptions settings, CancellationToken cancellationToken)
    {
        using var running = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var renewal = RenewWhileRunningAsync(item.Id, settings, running.Token);
        try
        {
            return await RunOneAsync(item, settings, cancellationToken);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: hand the row back now rather than after its claim (the job is idempotent, so a call that
            // reached Keap does no harm when it runs again).
            await store.ReleaseAsync(item.Id, claim, CancellationToken.None);
            throw;
        }
        finally
        {
            await running.CancelAsync();
            await renewal;
        }
    }

    private async Task RenewWhileRunningAsync(long id, OutboxOptions settings, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                // A third of the claim: two renewals may fail or be late before the claim could lapse.
                await Task.Delay(settings.ClaimDuration / 3, time, cancellationToken);
                if (!await store.RenewClaimAsync(id, claim, time.GetUtcNow() + settings.ClaimDuration, cancellationToken))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The row finished (or the worker stops): nothing left to renew.
        }
        catch (Exception ex)
        {
            LogRenewFailed(logger, id, ex);
        }
    }

    /// <summary>Runs one row; returns what it waits for when Keap cannot take any call now.</summary>
    private async Task<(string For, string Reason)?> RunOneAsync(OutboxItem item, OutboxOptions settings, CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<OutboxJobs>().RunAsync(item, cancellationToken);
            LogDelivered(logger, item.Id, item.Kind, item.Attempts + 1);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && WaitingFor(ex) is { } waitingFor)
        {
            var wait = (waitingFor, Describe(ex));
            await WaitAsync(item, claim, wait, settings, cancellationToken);
            return wait;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            var attempts = item.Attempts + 1;
            var parked = attempts >= settings.MaxAttempts || IsPermanent(ex);
            var next = time.GetUtcNow() + Backoff(attempts, settings);
            var error = Describe(ex);
            await store.RecordFailureAsync(item.Id, attempts, next, parked, error, cancellationToken);
            if (parked)
            {
                LogParked(logger, item.Id, item.Kind, attempts, error);
            }
            else
            {
                LogRetrying(logger, item.Id, item.Kind, attempts, next, error);
            }
        }

        return null;
    }

    /// <summary>Puts <paramref name="item"/> to wait: the row held with <paramref name="heldClaim"/>, or with <see langword="null"/> one not claimed.</summary>
    private async Task WaitAsync(OutboxItem item, string? heldClaim, (string For, string Reason) wait, OutboxOptions settings, CancellationToken cancellationToken)
    {
        // The connection comes back through the callback, which makes these rows due at once; the poll is a fallback.
        var next = time.GetUtcNow() + (wait.For == OutboxWaits.Connection ? settings.PollInterval : settings.MaxDelay);
        await store.RecordWaitingAsync(item.Id, heldClaim, wait.For, next, wait.Reason, cancellationToken);
        if (item.WaitingFor != wait.For)
        {
            LogWaiting(logger, item.Id, item.Kind, wait.Reason);
        }
    }

    private async Task<TimeSpan> NextWaitAsync(CancellationToken cancellationToken)
    {
        var poll = options.Value.PollInterval;
        var next = await store.NextDueAsync(cancellationToken);
        if (next is null)
        {
            return poll;
        }

        var untilDue = next.Value - time.GetUtcNow();
        return untilDue <= TimeSpan.Zero ? TimeSpan.Zero : untilDue < poll ? untilDue : poll;
    }

    /// <summary>Exponential backoff with jitter: a random delay between half and all of base * 2^(attempts-1), capped.</summary>
    internal static TimeSpan Backoff(int attempts, OutboxOptions settings)
    {
        var exponential = settings.BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempts - 1, 30));
        var capped = Math.Min(exponential, settings.MaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.5 + (Random.Shared.NextDouble() / 2)));
    }

    /// <summary>What the row waits for instead of failing: the admin to connect, or Keap's quota to refill.</summary>
    private static string? WaitingFor(Exception ex) => ex switch
    {
        // Connected means a refresh failed (Keap unreachable): a failure like any other, not a wait for the admin.
        KeapAuthorizationException { State: not KeapConnectionState.Connected } => OutboxWaits.Connection,
        KeapApiException { StatusCode: HttpStatusCode.TooManyRequests } => OutboxWaits.Quota,
        _ => null,
    };

    /// <summary>A client error Keap will give again (bad input, not found) parks at once; everything else may heal.</summary>
    private static bool IsPermanent(Exception ex) => ex is KeapApiException { StatusCode: { } status }
        && (int)status is >= 400 and < 500
        && status is not (HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden);

    /// <summary>What the admin sees: status and Keap's message, never request headers or tokens.</summary>
    private static string Describe(Exception ex)
    {
        var text = ex switch
        {
            KeapApiException { StatusCode: HttpStatusCode.TooManyRequests } => "Waiting for Keap's request quota to refill.",
            KeapApiException { StatusCode: { } status } api => $"Keap answered {(int)status} {api.ErrorCode}: {api.ErrorMessage ?? api.Message}",
            KeapApiException api => $"No answer from Keap: {api.Message}",
            KeapAuthorizationException { IsTransient: true } auth => $"Keap token temporarily unavailable: {auth.Message}",
            KeapAuthorizationException { State: KeapConnectionState.NotConnected } => "Waiting for an admin to connect Keap.",
            KeapAuthorizationException { State: KeapConnectionState.NeedsReauthorization } => "Waiting for an admin to re-authorize Keap.",
            KeapAuthorizationException auth => $"No usable Keap token: {auth.Message}",
            _ => $"{ex.GetType().Name}: {ex.Message}",
        };
        return text.Length <= MaxErrorLength ? text : text[..MaxErrorLength];
    }

    [LoggerMessage(1, LogLevel.Information, "Outbox row {Id} ({Kind}) delivered on attempt {Attempt}.")]
    private static partial void LogDelivered(ILogger logger, long id, string kind, int attempt);

    [LoggerMessage(2, LogLevel.Warning, "Outbox row {Id} ({Kind}) failed on attempt {Attempt}; next attempt at {NextAttemptAt:O}: {Error}")]
    private static partial void LogRetrying(ILogger logger, long id, string kind, int attempt, DateTimeOffset nextAttemptAt, string error);

    [LoggerMessage(3, LogLevel.Error, "Outbox row {Id} ({Kind}) parked after {Attempts} attempts: {Error}. Retry it from /admin.")]
    private static partial void LogParked(ILogger logger, long id, string kind, int attempts, string error);

    [LoggerMessage(5, LogLevel.Information, "Outbox row {Id} ({Kind}) waits: {Reason}")]
    private static partial void LogWaiting(ILogger logger, long id, string kind, string reason);

    [LoggerMessage(4, LogLevel.Error, "The outbox worker could not reach its database; trying again later.")]
    private static partial void LogWorkerFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 6, EventName = "WaitingForStart", Level = LogLevel.Debug, Message = "The outbox worker waits for the app to start before it calls Keap.")]
    private static partial void LogWaitingForStart(ILogger logger);

    [LoggerMessage(7, LogLevel.Warning, "The claim on outbox row {Id} could not be renewed; it lapses unless the row finishes first.")]
    private static partial void LogRenewFailed(ILogger logger, long id, Exception exception);
}
