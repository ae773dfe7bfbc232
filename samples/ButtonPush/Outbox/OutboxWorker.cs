using System.Net;
using Keap.ServiceAccount;
using Microsoft.Extensions.Options;

namespace ButtonPush.Outbox;

/// <summary>
/// Delivers outbox rows to Keap: claims what is due, runs it, and on failure schedules the next attempt with
/// exponential backoff and jitter, parking the row after <see cref="OutboxOptions.MaxAttempts"/> failures.
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
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
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

            foreach (var item in items)
            {
                await RunOneAsync(item, settings, cancellationToken);
            }
        }
    }

    private async Task RunOneAsync(OutboxItem item, OutboxOptions settings, CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<OutboxJobs>().RunAsync(item, cancellationToken);
            LogDelivered(logger, item.Id, item.Kind, item.Attempts + 1);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            var attempts = item.Attempts + 1;
            // Waiting for the admin to connect is not a failure of the row: it never parks for that.
            var parked = ex is not KeapAuthorizationException && (attempts >= settings.MaxAttempts || IsPermanent(ex));
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

    /// <summary>A client error Keap will give again (bad input, not found) parks at once; everything else may heal.</summary>
    private static bool IsPermanent(Exception ex) => ex is KeapApiException api
        && (int)api.StatusCode is >= 400 and < 500
        && api.StatusCode is not (HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden);

    /// <summary>What the admin sees: status and Keap's message, never request headers or tokens.</summary>
    private static string Describe(Exception ex)
    {
        var text = ex switch
        {
            KeapApiException api => $"Keap answered {(int)api.StatusCode} {api.ErrorCode}: {api.ErrorMessage ?? api.Message}",
            KeapAuthorizationException { IsTransient: true } auth => $"Keap token temporarily unavailable ({auth.State}): {auth.Message}",
            KeapAuthorizationException auth => $"Not connected to Keap ({auth.State}): {auth.Message}",
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

    [LoggerMessage(4, LogLevel.Error, "The outbox worker could not reach its database; trying again later.")]
    private static partial void LogWorkerFailed(ILogger logger, Exception exception);
}
