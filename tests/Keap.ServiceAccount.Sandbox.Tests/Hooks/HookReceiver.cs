using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Keap.ServiceAccount.Sandbox.Tests.Hooks;

/// <summary>How the receiver answers the next request.</summary>
public enum ReceiverAnswer
{
    /// <summary>200, echoing X-Hook-Secret when one came.</summary>
    Ok,

    /// <summary>200 with a different X-Hook-Secret.</summary>
    WrongEcho,

    /// <summary>The given status (see <see cref="HookReceiver.Status"/>).</summary>
    Status,

    /// <summary>The connection is dropped without an answer (the receiver is down).</summary>
    Abort,

    /// <summary>No answer until the caller gives up.</summary>
    Hang,
}

/// <summary>One request the receiver got.</summary>
internal sealed record ReceivedRequest(string Path, string? Secret, string Body)
{
    public JsonObject Json => (JsonObject)JsonNode.Parse(Body)!;
}

/// <summary>A loopback hook receiver on 127.0.0.1: records what the sandbox sends and answers as told.</summary>
internal sealed class HookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<ReceivedRequest> _received = Channel.CreateUnbounded<ReceivedRequest>();
    private readonly ConcurrentQueue<ReceiverAnswer> _script = new();

    private HookReceiver(WebApplication app, Uri root)
    {
        _app = app;
        Root = root;
    }

    public Uri Root { get; }

    /// <summary>A hook URL with a path secret, as a receiver registers it.</summary>
    public string Url(string path = "keap/hooks/s3cr3t-path") => new Uri(Root, path).ToString();

    /// <summary>The answer once the script is used up.</summary>
    public ReceiverAnswer Default { get; set; } = ReceiverAnswer.Ok;

    /// <summary>The status of <see cref="ReceiverAnswer.Status"/>.</summary>
    public int Status { get; set; } = 500;

    private int _count;

    public int Count => Volatile.Read(ref _count);

    public static async Task<HookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        HookReceiver? receiver = null;
        app.MapPost("/{**path}", (HttpContext context, string? path) => receiver!.AnswerAsync(context));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver = new HookReceiver(app, new Uri(address.TrimEnd('/') + "/"));
        return receiver;
    }

    /// <summary>Answers the next requests in this order, then <see cref="Default"/>.</summary>
    public void Script(params ReceiverAnswer[] answers)
    {
        foreach (var answer in answers)
        {
            _script.Enqueue(answer);
        }
    }

    /// <summary>The next request received (waits on the request, with a generous safety limit).</summary>
    public async Task<ReceivedRequest> NextAsync() =>
        await _received.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20));

    /// <summary>Whether a request was received and not yet taken.</summary>
    public bool TryTake(out ReceivedRequest? request) => _received.Reader.TryRead(out request);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task<IResult> AnswerAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        var secret = context.Request.Headers["X-Hook-Secret"].FirstOrDefault();
        var answer = _script.TryDequeue(out var next) ? next : Default;
        Interlocked.Increment(ref _count);
        _received.Writer.TryWrite(new ReceivedRequest(context.Request.Path, secret, body));
        switch (answer)
        {
            case ReceiverAnswer.Abort:
                context.Abort();
                return Results.Empty;
            case ReceiverAnswer.Hang:
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                return Results.Empty;
            case ReceiverAnswer.Status:
                return Results.StatusCode(Status);
            default:
                if (secret is not null)
                {
                    context.Response.Headers["X-Hook-Secret"] = answer == ReceiverAnswer.WrongEcho ? "not-the-secret" : secret;
                }

                return Results.Ok();
        }
    }
}

/// <summary>Collects the sandbox's delivery attempts as they end.</summary>
internal sealed class AttemptWatcher : IDisposable
{
    private readonly KeapSandboxHooks _hooks;
    private readonly Channel<KeapSandboxHookAttempt> _ended = Channel.CreateUnbounded<KeapSandboxHookAttempt>();

    public AttemptWatcher(KeapSandboxHooks hooks)
    {
        _hooks = hooks;
        hooks.AttemptCompleted += OnEnded;
    }

    public async Task<KeapSandboxHookAttempt> NextAsync() =>
        await _ended.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20));

    public void Dispose() => _hooks.AttemptCompleted -= OnEnded;

    private void OnEnded(object? sender, KeapSandboxHookAttempt attempt) => _ended.Writer.TryWrite(attempt);
}
