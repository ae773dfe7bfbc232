using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Keap.ServiceAccount.AspNetCore.Hooks;

/// <summary>
/// The endpoint behind <c>MapKeapHooks</c>: checks the path secret, answers the handshake, checks a delivery and hands
/// it to the application's <see cref="IKeapHookHandler"/> before answering. It never answers <c>410</c>, which would
/// make Keap deactivate the subscription.
/// </summary>
internal sealed class HookReceiver
{
    internal const string SecretRouteValue = "secret";
    internal const string HookSecretHeader = "X-Hook-Secret";

    private readonly HookPathSecret _secret;
    private readonly KeapHookReceiverOptions _options;
    private readonly HashSet<string> _eventKeys;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<HookReceiver> _logger;

    public HookReceiver(IOptions<KeapHookReceiverOptions> options, IOptions<KeapHookOptions> hookOptions, TimeProvider timeProvider, ILogger<HookReceiver> logger)
    {
        _options = options.Value;
        _eventKeys = new HashSet<string>(hookOptions.Value.EventKeys, StringComparer.Ordinal);
        _timeProvider = timeProvider;
        _secret = new HookPathSecret(timeProvider);
        _logger = logger;
    }

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        if (!HttpMethods.IsPost(request.Method))
        {
            // Keap only POSTs; anything else gets the answer of an unknown path.
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var store = context.RequestServices.GetRequiredService<IKeapHookSecretStore>();
        bool matches;
        try
        {
            matches = await _secret.MatchesAsync(request.RouteValues[SecretRouteValue] as string, store, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            HookLog.SecretUnavailable(_logger, e.GetType().Name);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        if (!matches)
        {
            // The same answer as any unknown path: a prober learns nothing about the receiver.
            HookLog.SecretRejected(_logger, context.Connection.RemoteIpAddress?.ToString());
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (request.Headers.TryGetValue(HookSecretHeader, out var hookSecret))
        {
            context.Response.Headers[HookSecretHeader] = hookSecret;
            context.Response.StatusCode = StatusCodes.Status200OK;
            HookLog.HandshakeAnswered(_logger);
            return;
        }

        if (!request.HasJsonContentType())
        {
            await RefuseAsync(context, StatusCodes.Status415UnsupportedMediaType, "the delivery's Content-Type is not application/json.").ConfigureAwait(false);
            return;
        }

        var body = await ReadBodyAsync(context).ConfigureAwait(false);
        if (body is null)
        {
            await RefuseAsync(context, StatusCodes.Status413PayloadTooLarge,
                $"the body is larger than Keap:Hooks:MaxRequestBodySize ({_options.MaxRequestBodySize} bytes).").ConfigureAwait(false);
            return;
        }

        var delivery = HookDeliveryReader.Read(body.WrittenSpan, out var problem);
        if (delivery is null)
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, problem!).ConfigureAwait(false);
            return;
        }

        if (!_eventKeys.Contains(delivery.EventKey.Value))
        {
            await RefuseAsync(context, StatusCodes.Status422UnprocessableEntity,
                $"event_key {HookDeliveryReader.Printable(delivery.EventKey.Value)} is not one this application subscribes to (Keap:Hooks:EventKeys).").ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = await RunHandlerAsync(context, delivery).ConfigureAwait(false);
    }

    /// <summary>The body, or null when it is larger than the limit (read no further than one byte past it).</summary>
    private async Task<ArrayBufferWriter<byte>?> ReadBodyAsync(HttpContext context)
    {
        var limit = _options.MaxRequestBodySize;
        if (context.Request.ContentLength > limit)
        {
            return null;
        }

        // The server enforces it too where it can (Kestrel), so a chunked body stops at the limit on the wire.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = limit;
        }

        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(context.Request.ContentLength ?? 16 * 1024, limit) + 1);
        try
        {
            while (true)
            {
                var read = await context.Request.Body.ReadAsync(buffer.GetMemory(4096), context.RequestAborted).ConfigureAwait(false);
                if (read == 0)
                {
                    return buffer;
                }

                buffer.Advance(read);
                if (buffer.WrittenCount > limit)
                {
                    return null;
                }
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }
    }

    private async Task<int> RunHandlerAsync(HttpContext context, KeapHookDelivery delivery)
    {
        var eventKey = delivery.EventKey.Value;
        var started = _timeProvider.GetTimestamp();

        // The handler's scope and token are released when it ends, not when the answer goes: a handler that ignores its
        // token and outlives the 503 keeps its services (the request's would be disposed under it).
        var scope = context.RequestServices.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
        var budget = new CancellationTokenSource(_options.HandlerTimeout, _timeProvider);
        var linked = CancellationTokenSource.CreateLinkedTokenSource(budget.Token, context.RequestAborted);
        var cancellationToken = linked.Token;
        var handling = StartHandler(scope.ServiceProvider, delivery, cancellationToken);
        _ = ReleaseWhenEndedAsync(handling, scope, budget, linked, eventKey);
        try
        {
            // WaitAsync: the answer goes at the budget even when the handler ignores its token.
            await handling.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (budget.IsCancellationRequested)
        {
            HookLog.HandlerTimedOut(_logger, _options.HandlerTimeout, eventKey);
            _ = LogLateFailureAsync(handling, eventKey);
            return StatusCodes.Status503ServiceUnavailable;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            HookLog.RequestAborted(_logger, eventKey);
            _ = LogLateFailureAsync(handling, eventKey);
            return StatusCodes.Status503ServiceUnavailable;
        }
        catch (Exception e)
        {
            LogFailure(e, eventKey, HookLog.HandlerFailed);
            return StatusCodes.Status503ServiceUnavailable;
        }

        var elapsed = _timeProvider.GetElapsedTime(started);
        HookLog.DeliveryHandled(_logger, delivery.Objects.Count, eventKey, elapsed);
        return StatusCodes.Status200OK;
    }

    private static Task StartHandler(IServiceProvider services, KeapHookDelivery delivery, CancellationToken cancellationToken)
    {
        try
        {
            return services.GetRequiredService<IKeapHookHandler>().HandleAsync(delivery, cancellationToken);
        }
        catch (Exception e)
        {
            // A handler that throws before its first await, or cannot be built, fails like one that throws later.
            return Task.FromException(e);
        }
    }

    /// <summary>Disposes the handler's scope and token sources once it ended; nobody awaits this, so it never throws.</summary>
    private async Task ReleaseWhenEndedAsync(Task handling, AsyncServiceScope scope, CancellationTokenSource budget, CancellationTokenSource linked, string eventKey)
    {
        try
        {
            await handling.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Observed and logged by the receiver, before or after its answer.
        }

        linked.Dispose();
        budget.Dispose();
        try
        {
            await scope.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // A scoped service whose Dispose throws (a DbContext on a broken connection) would otherwise fault a task
            // nobody observes, and the application would never hear of it.
            LogFailure(e, eventKey, HookLog.HandlerServicesDisposeFailed);
        }
    }

    /// <summary>Logs a failure of a handler the receiver stopped waiting for; the 503 already went, so nobody else sees it.</summary>
    private async Task LogLateFailureAsync(Task handling, string eventKey)
    {
        try
        {
            await handling.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // It stopped when cancelled, as it should.
        }
        catch (Exception e)
        {
            LogFailure(e, eventKey, HookLog.HandlerFailedAfterAnswer);
        }
    }

    private void LogFailure(Exception e, string eventKey, Action<ILogger, string, string> log)
    {
        // The type only: an exception's message may carry the handler's data or a connection string.
        if (_logger.IsEnabled(LogLevel.Error))
        {
            log(_logger, e.GetType().FullName ?? e.GetType().Name, eventKey);
        }
    }

    private async Task RefuseAsync(HttpContext context, int statusCode, string problem)
    {
        HookLog.DeliveryRefused(_logger, statusCode, problem);
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(problem, context.RequestAborted).ConfigureAwait(false);
    }
}
