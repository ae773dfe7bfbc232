using Keap.ServiceAccount.Tokens.Internal;
using Keap.ServiceAccount.Tokens.Stores;
using Microsoft.Extensions.DependencyInjection;

namespace Keap.ServiceAccount.Tests.Tokens;

/// <summary>A refresh token once sent is given the whole lease to be answered; it is sent again only when it provably never left.</summary>
public sealed class SlowTokenEndpointTests : IDisposable
{
    private readonly FakeTokenEndpoint _endpoint = new();

    public void Dispose() => _endpoint.Dispose();

    [Fact]
    public async Task Waits_for_an_answer_that_takes_30_seconds_with_the_default_settings_instead_of_sending_the_refresh_token_again()
    {
        using var host = TokenTestHost.Create(_endpoint);
        await host.SeedAsync(TimeSpan.FromSeconds(-10));

        // Keap processes the request at once (rotating the refresh token) and answers only when the test lets it.
        using var answer = new ManualResetEventSlim();
        var onTheWire = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _endpoint.Enqueue(_ =>
        {
            var (access, refresh) = _endpoint.Issue();
            onTheWire.TrySetResult();
            answer.Wait(TimeSpan.FromSeconds(30));
            return FakeTokenEndpoint.Reply(200, $$"""{"access_token":"{{access}}","token_type":"bearer","expires_in":86400,"refresh_token":"{{refresh}}"}""");
        });
        var call = host.Tokens.GetAccessTokenAsync(CancellationToken.None).AsTask();
        await onTheWire.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // 30 s of Keap's time pass with the request on the wire (each step lets timers and retries run).
        for (var second = 0; second < 30; second++)
        {
            host.Clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(5);
        }

        answer.Set();
        var token = await host.AdvanceUntilAsync(call, TimeSpan.FromSeconds(1));

        Assert.Equal("SECRET-at-2", token);
        Assert.Equal(1, _endpoint.RefreshCalls);
        Assert.Empty(_endpoint.SpentRefreshTokensSent);
        Assert.Equal("SECRET-rt-2", (await host.Store.GetAsync())!.Token.RefreshToken);
    }

    /// <summary>
    /// The tightest request timeout the start-up check accepts still lets a refresh be sent when the store takes time to
    /// answer under the lease (here 2 s a read). Before, 55 s against a 60 s lease passed the check and every refresh
    /// was then refused as "the token store answered so slowly", whatever the store's speed.
    /// </summary>
    [Fact]
    public async Task The_tightest_accepted_request_timeout_leaves_the_refresh_time_to_read_the_store()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(TokenTestHost.Start);
        var store = new ScriptedTokenStore(new InMemoryTokenStore(clock));
        using var host = TokenTestHost.Create(_endpoint, clock, store, o =>
        {
            o.Refresh.LeaseDuration = TimeSpan.FromSeconds(60);
            o.Refresh.TokenRequestTimeout = TimeSpan.FromSeconds(50);
        });
        await host.SeedAsync(TimeSpan.FromSeconds(-10));
        var options = host.Provider.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<KeapServiceAccountOptions>>();
        Assert.Empty(host.Provider.GetServices<Microsoft.Extensions.Options.IValidateOptions<KeapServiceAccountOptions>>()
            .SelectMany(v => v.Validate(null, options.CurrentValue).Failures ?? []));
        store.Before = op =>
        {
            if (op == "get")
            {
                clock.Advance(TimeSpan.FromSeconds(2));
            }

            return Task.CompletedTask;
        };

        var token = await host.Tokens.GetAccessTokenAsync(CancellationToken.None);

        Assert.Equal("SECRET-at-2", token);
        Assert.Equal(1, _endpoint.RefreshCalls);
    }

    [Theory]
    [InlineData(HttpRequestError.ResponseEnded)]
    [InlineData(HttpRequestError.Unknown)]
    public async Task Does_not_send_the_refresh_token_again_after_a_connection_that_failed_once_the_request_was_sent(HttpRequestError error)
    {
        var wire = new FailingWire { FailFirst = new HttpRequestException(error, "the connection dropped", null), AfterSending = true };
        using var host = TokenTestHost.Create(_endpoint, build: b => b.Services.AddHttpClient(TokenEndpointClient.HttpClientName).AddHttpMessageHandler(() => wire));
        await host.SeedAsync(TimeSpan.FromSeconds(-10));

        var failure = await Assert.ThrowsAsync<KeapAuthorizationException>(
            () => host.AdvanceUntilAsync(host.Tokens.GetAccessTokenAsync(CancellationToken.None).AsTask(), TimeSpan.FromMilliseconds(500)));

        Assert.True(failure.IsTransient);
        Assert.Equal(1, _endpoint.RefreshCalls);
        Assert.Contains("may have reached Keap", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpRequestError.ConnectionError)]
    [InlineData(HttpRequestError.NameResolutionError)]
    public async Task Sends_the_refresh_token_again_when_the_first_attempt_never_reached_Keap(HttpRequestError error)
    {
        var wire = new FailingWire { FailFirst = new HttpRequestException(error, "connection refused", null) };
        using var host = TokenTestHost.Create(_endpoint, build: b => b.Services.AddHttpClient(TokenEndpointClient.HttpClientName).AddHttpMessageHandler(() => wire));
        await host.SeedAsync(TimeSpan.FromSeconds(-10));

        var token = await host.AdvanceUntilAsync(host.Tokens.GetAccessTokenAsync(CancellationToken.None).AsTask(), TimeSpan.FromMilliseconds(500));

        Assert.Equal("SECRET-at-2", token);
        Assert.Equal(1, _endpoint.RefreshCalls);
        Assert.Equal(2, wire.Attempts);
    }

    /// <summary>Fails the first attempt with <see cref="FailFirst"/>: before anything reached Keap, or after Keap received it.</summary>
    private sealed class FailingWire : DelegatingHandler
    {
        private int _attempts;

        public required HttpRequestException FailFirst { get; init; }

        public bool AfterSending { get; init; }

        public int Attempts => Volatile.Read(ref _attempts);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _attempts) > 1)
            {
                return await base.SendAsync(request, cancellationToken);
            }

            if (AfterSending)
            {
                // Keap received (and processed) the request; its answer was lost on the way back.
                using var lost = await base.SendAsync(request, cancellationToken);
            }

            throw FailFirst;
        }
    }
}
