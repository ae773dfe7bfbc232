namespace Keap.ServiceAccount.Tests.Tokens.Internal;

/// <summary>Failures back off on every path, so /token requests per minute stay bounded whatever Keap answers.</summary>
public sealed class RefreshBackoffTests : IDisposable
{
    // The documented bound: at most three refresh runs in any minute, each presenting the refresh token at most four times.
    private const int MaxRequestsPerMinute = 12;

    private readonly FakeTokenEndpoint _endpoint = new();

    public void Dispose() => _endpoint.Dispose();

    [Theory]
    [InlineData(200, "<html><body>Please sign in</body></html>", "text/html", 3)]
    [InlineData(200, """{"token_type":"bearer"}""", "application/json", 3)]
    [InlineData(503, "<html>Service Unavailable</html>", "text/html", MaxRequestsPerMinute)]
    [InlineData(500, """{"error":"server_error"}""", "application/json", MaxRequestsPerMinute)]
    public async Task Five_callers_with_an_expired_token_send_a_bounded_number_of_token_requests_whatever_the_answer(int status, string body, string contentType, int perMinute)
    {
        using var host = TokenTestHost.Create(_endpoint);
        await host.SeedAsync(TimeSpan.FromSeconds(-10));
        for (var i = 0; i < 10_000; i++)
        {
            _endpoint.EnqueueStatus(status, body, contentType);
        }

        // Five callers call again as soon as their last call ended, for one minute of the fake clock, then nine more.
        var callers = new Task?[5];
        var perWindow = new List<int>();
        for (var minute = 0; minute < 10; minute++)
        {
            var before = _endpoint.RefreshCalls;
            var end = host.Clock.GetUtcNow().AddMinutes(1);
            while (host.Clock.GetUtcNow() < end)
            {
                for (var c = 0; c < callers.Length; c++)
                {
                    if (callers[c] is null or { IsCompleted: true })
                    {
                        callers[c] = CallAsync(host);
                    }
                }

                await host.AdvanceUntilAsync(() => false, TimeSpan.FromMilliseconds(500), steps: 1);
            }

            perWindow.Add(_endpoint.RefreshCalls - before);
        }

        Assert.All(perWindow, n => Assert.InRange(n, 0, perMinute));
        Assert.True(perWindow[0] >= 2, string.Join(",", perWindow));

        // Growing pauses: the last minutes see fewer requests than the first.
        Assert.True(perWindow.Skip(5).Sum() < perWindow.Take(5).Sum(), string.Join(",", perWindow));
    }

    [Fact]
    public async Task Callers_during_the_pause_get_a_transient_error_at_once_on_the_expired_and_the_401_paths()
    {
        using var host = TokenTestHost.Create(_endpoint);
        await host.SeedAsync(TimeSpan.FromSeconds(-10));
        _endpoint.EnqueueStatus(200, "<html>maintenance</html>", "text/html");
        var first = await Assert.ThrowsAsync<KeapAuthorizationException>(() => host.Tokens.GetAccessTokenAsync(CancellationToken.None).AsTask());
        Assert.True(first.IsTransient);
        Assert.Equal(1, _endpoint.RefreshCalls);

        // No time passes: every path answers at once from the pause, without a request to /token.
        var expired = host.Tokens.GetAccessTokenAsync(CancellationToken.None);
        var afterRejection = host.Tokens.GetAccessTokenAfterRejectionAsync("SECRET-at-1", CancellationToken.None);

        Assert.True(expired.IsCompleted);
        Assert.True(afterRejection.IsCompleted);
        var paused = await Assert.ThrowsAsync<KeapAuthorizationException>(() => expired.AsTask());
        var pausedAfterRejection = await Assert.ThrowsAsync<KeapAuthorizationException>(() => afterRejection.AsTask());
        Assert.True(paused.IsTransient);
        Assert.True(pausedAfterRejection.IsTransient);
        Assert.Equal(KeapConnectionState.RefreshFailing, paused.State);
        Assert.Equal(1, _endpoint.RefreshCalls);

        // Once the pause is over, the next caller tries again, and Keap's good answer ends the backoff.
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal("SECRET-at-2", await host.Tokens.GetAccessTokenAsync(CancellationToken.None));
        Assert.Equal(2, _endpoint.RefreshCalls);
    }

    private static async Task CallAsync(TokenTestHost host)
    {
        try
        {
            await host.Tokens.GetAccessTokenAsync(CancellationToken.None);
        }
        catch (KeapAuthorizationException ex) when (ex.IsTransient)
        {
            // Expected while every answer fails.
        }
    }
}
