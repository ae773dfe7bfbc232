using Keap.ServiceAccount;
using Microsoft.Extensions.Logging;

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
}
