using System.Net;
using Keap.ServiceAccount;
using Microsoft.Extensions.Options;

namespace ButtonPush.Outbox;

/// <summary>
/// Delivers outbox rows to Keap: claims what is due, runs it, and on failure schedules the next attempt with
/// exponential backoff and jitter, parking the row after <see cref="OutboxOptions.MaxAttempts"/> failures or at
/// once when Keap refuses it for good. Waiting is not failing: a row behind another row of its user is not claimed
/// at all, and a row that finds Keap not connected (or its quota used up) waits without spending an attempt.
/// </summary>
internal sealed partial class OutboxWorker(
    OutboxStore store,
    IServiceScopeFactory scopes,
    OutboxSignal signal,
    IOptions<OutboxOptions> options,
    TimeProvider time,
    ILogger<OutboxWorker> logger) : BackgroundService
{
    private const int MaxErrorLength = 500;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await DrainAsync(stoppingToken);
                await signal.WaitAsync(await NextWaitAsync(stoppingToken), time, stoppingToken);
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                // Stopping: a row cut short comes back when its claim lapses.
                return;
            }
            catch (Exception ex)
            {
                // The database itself failed; claimed rows come back when their claim lapses.
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
            var items = await store.ClaimDueAsync(settings.BatchSize, time.GetUtcNow() + settings.ClaimDuration, cancellationToken);
            if (items.Count == 0)
            {
                return;
            }

            for (var i = 0; i < items.Count; i++)
            {
                if (await RunOneAsync(items[i], settings, cancellationToken) is { } wait)
                {
                    // Keap is not reachable for anyone: the rest of the batch waits too, without a call each.
                    foreach (var item in items.Skip(i + 1))
                    {
                        await WaitAsync(item, wait, settings, cancellationToken);
                    }

                    return;
                }
            }
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
            await WaitAsync(item, wait, settings, cancellationToken);
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

    private async Task WaitAsync(OutboxItem item, (string For, string Reason) wait, OutboxOptions settings, CancellationToken cancellationToken)
    {
        // The connection comes back through the callback, which makes these rows due at once; the poll is a fallback.
        var next = time.GetUtcNow() + (wait.For == OutboxWaits.Connection ? settings.PollInterval : settings.MaxDelay);
        await store.RecordWaitingAsync(item.Id, wait.For, next, wait.Reason, cancellationToken);
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
    private static bool IsPermanent(Exception ex) => ex is KeapApiException api
        && (int)api.StatusCode is >= 400 and < 500
        && api.StatusCode is not (HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden);

    /// <summary>What the admin sees: status and Keap's message, never request headers or tokens.</summary>
    private static string Describe(Exception ex)
    {
        var text = ex switch
        {
            KeapApiException { StatusCode: HttpStatusCode.TooManyRequests } => "Waiting for Keap's request quota to refill.",
            KeapApiException api => $"Keap answered {(int)api.StatusCode} {api.ErrorCode}: {api.ErrorMessage ?? api.Message}",
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
}
