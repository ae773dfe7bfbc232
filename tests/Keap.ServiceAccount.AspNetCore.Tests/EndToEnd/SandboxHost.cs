using System.Net;
using Keap.ServiceAccount.Sandbox;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Keap.ServiceAccount.AspNetCore.Tests.EndToEnd;

/// <summary>
/// The sandbox hosted in-process on Kestrel over 127.0.0.1, on its own fake clock (the delivery delays, retries and
/// timeouts), with every log of every category captured so a test can look for the hook URL in them.
/// </summary>
internal sealed class SandboxHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SandboxHost(WebApplication app, FakeTimeProvider clock, Uri baseAddress)
    {
        _app = app;
        Clock = clock;
        BaseAddress = baseAddress;
    }

    public FakeTimeProvider Clock { get; }

    public Uri BaseAddress { get; }

    public Uri AuthorizeEndpoint => new(BaseAddress, "app/oauth/authorize");

    public Uri TokenEndpoint => new(BaseAddress, "token");

    public Uri ApiBaseAddress => new(BaseAddress, "crm/");

    public KeapSandboxHooks Hooks => _app.Services.GetRequiredService<KeapSandboxHooks>();

    public FakeLogCollector Logs => _app.Services.GetFakeLogCollector();

    public static async Task<SandboxHost> StartAsync(Action<KeapSandboxOptions>? configure = null)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero));
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Trace).AddFakeLogging();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.Configure<Microsoft.Extensions.Hosting.HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddKeapSandbox(configure);
        var app = builder.Build();
        app.MapKeapSandbox();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new SandboxHost(app, clock, new Uri(address.TrimEnd('/') + "/"));
    }

    /// <summary>The subscriptions of <paramref name="eventKey"/>.</summary>
    public IReadOnlyList<KeapSandboxHook> Of(KeapHookEventKey eventKey) =>
        [.. Hooks.Subscriptions.Where(h => h.EventKey == eventKey.Value)];

    /// <summary>
    /// Moves the clock by <paramref name="step"/> and returns the first attempt that ends after it (an attempt that
    /// ends only once the clock moves further, like a receiver's timeout, is waited for with <paramref name="thenAdvance"/>).
    /// </summary>
    public async Task<KeapSandboxHookAttempt> AdvanceToAttemptAsync(TimeSpan step, TimeSpan? thenAdvance = null)
    {
        var attempt = new TaskCompletionSource<KeapSandboxHookAttempt>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnAttempt(object? sender, KeapSandboxHookAttempt a) => attempt.TrySetResult(a);
        Hooks.AttemptCompleted += OnAttempt;
        try
        {
            Clock.Advance(step);
            if (thenAdvance is { } more)
            {
                // The attempt is in flight (its timeout timer on this clock): move past the timeout until it ends.
                await Eventually.TrueAsync("the delivery attempt ended", () => attempt.Task.IsCompleted, () => Clock.Advance(more));
            }

            return await attempt.Task.WaitAsync(Eventually.Timeout);
        }
        finally
        {
            Hooks.AttemptCompleted -= OnAttempt;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
