using Keap.ServiceAccount;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace ButtonPush.Tests.Integration;

/// <summary>What `dotnet run` prints: the mode first, no per-attempt HTTP chatter, no stack trace for an expected wait.</summary>
public sealed class ConsoleLogTests
{
    [Fact]
    public async Task The_sandbox_mode_line_comes_first_and_waiting_for_the_connection_logs_no_stack_trace_nor_per_attempt_http_lines()
    {
        await using var app = new ButtonPushApp();
        using var pat = AppClient.Create(app);
        await pat.SignUpAsync("pat@buttonpush.test");
        await Eventually.TrueAsync("the row waits for the connection", async () => (await app.OpenOutboxAsync()) is [{ WaitingFor: "connection" }]);
        using var admin = AppClient.Create(app);
        await admin.ConnectAsAdminAsync();
        await pat.PressAsync();
        await Eventually.TrueAsync("the outbox is drained", async () => (await app.OpenOutboxAsync()).Count == 0);

        var logs = app.Logs.GetSnapshot();

        Assert.Equal(100, logs[0].Id.Id);
        Assert.Contains("Sandbox mode", logs[0].Message, StringComparison.Ordinal);
        Assert.DoesNotContain(logs, r => r.Level < LogLevel.Warning
            && (r.Category?.StartsWith("System.Net.Http.HttpClient", StringComparison.Ordinal) == true || r.Category?.StartsWith("Polly", StringComparison.Ordinal) == true));
        Assert.DoesNotContain(logs, r => r.Exception is KeapAuthorizationException);
        Assert.Contains(logs, r => r.Message.Contains("waits: Waiting for an admin to connect Keap.", StringComparison.Ordinal) && r.Level == LogLevel.Information);
        Assert.Contains(logs, r => r.Message.Contains("(tag-buttonpushed) delivered", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_start_line_names_the_admin_login_of_the_offline_mode()
    {
        await using var app = new ButtonPushApp();
        using var client = AppClient.Create(app);
        await client.GetPageAsync("/");

        var start = app.Logs.GetSnapshot()[0];

        Assert.Equal(100, start.Id.Id);
        Assert.Contains($"sign up (or log in) as {ButtonPushApp.AdminEmail}", start.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_probes_while_not_connected_answer_unhealthy_and_log_no_error_per_probe()
    {
        await using var app = new ButtonPushApp();
        using var client = AppClient.Create(app);

        for (var probe = 0; probe < 3; probe++)
        {
            using var response = await client.Http.GetAsync(new Uri("/healthz", UriKind.Relative));
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("Unhealthy", await response.Content.ReadAsStringAsync());
        }

        // Not connected is a state, shown by the answer (and the admin panel), not a fault to log at every probe.
        Assert.DoesNotContain(app.Logs.GetSnapshot(), r => r.Level >= LogLevel.Error);
        Assert.DoesNotContain(app.Logs.GetSnapshot(), r => r.Level >= LogLevel.Warning && r.Category?.Contains("HealthChecks", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task The_outbox_worker_calls_Keap_only_once_the_app_has_started()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var folder = ButtonPushApp.NewDataFolder();
        try
        {
            // A row due at start: signed up while Keap was not connected, the app stopped, Keap connected since.
            await using (var before = new ButtonPushApp(time, fakeKeap: new FakeKeap { Connected = false }, dataFolder: folder))
            {
                using var pat = AppClient.Create(before);
                await pat.SignUpAsync("pat@buttonpush.test");
                await Eventually.TrueAsync("the row waits for the connection", async () => (await before.OpenOutboxAsync()) is [{ WaitingFor: "connection" }]);
            }

            time.Advance(TimeSpan.FromMinutes(5));
            var keap = new FakeKeap();
            var settings = new Dictionary<string, string?> { ["Logging:LogLevel:ButtonPush.Outbox.OutboxWorker"] = "Debug" };
            await using var app = new ButtonPushApp(time, settings, keap, folder, services => services.AddHostedService<SlowStart>());
            await Eventually.TrueAsync("the row is delivered", async () => (await app.OpenOutboxAsync()).Count == 0);

            Assert.Equal(0, keap.CallsBeforeStart);
            Assert.Contains(app.Logs.GetSnapshot(), r => r.Message.Contains("delivered on attempt 1", StringComparison.Ordinal));
        }
        finally
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is harmless.
            }
        }
    }

    /// <summary>
    /// Holds the app's start (after the outbox worker's own start) until the worker has either called Keap or said it
    /// waits for the app to start, so a call made too early is seen every time rather than by luck.
    /// </summary>
    private sealed class SlowStart(IServiceProvider services) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            var keap = (FakeKeap)services.GetRequiredService<IKeapContactsClient>();
            var logs = services.GetFakeLogCollector();
            await Eventually.TrueAsync(
                "the worker calls Keap or waits for the app to start",
                () => keap.FirstCall.IsCompleted || logs.GetSnapshot().Any(r => r.Id.Name == "WaitingForStart"));
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
