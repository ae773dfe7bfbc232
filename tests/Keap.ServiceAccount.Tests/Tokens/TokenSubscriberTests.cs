using Keap.ServiceAccount.Tokens;
using Keap.ServiceAccount.Tokens.Internal;
using Keap.ServiceAccount.Tokens.Stores;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Keap.ServiceAccount.Tests.Tokens;

/// <summary>Whoever listens to token changes cannot break the refresh, the pending save or the stop.</summary>
public sealed class TokenSubscriberTests : IDisposable
{
    private readonly FakeTokenEndpoint _endpoint = new();

    public void Dispose() => _endpoint.Dispose();

    [Fact]
    public async Task A_throwing_TokenChanged_subscriber_is_logged_and_every_caller_still_gets_the_new_token()
    {
        using var host = TokenTestHost.Create(_endpoint);
        await host.SeedAsync(TimeSpan.FromSeconds(-10));
        host.Manager.TokenChanged += () => throw new InvalidOperationException("a subscriber failed");

        var tokens = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => host.Tokens.GetAccessTokenAsync(CancellationToken.None).AsTask()));

        Assert.All(tokens, t => Assert.Equal("SECRET-at-2", t));
        Assert.Equal(1, _endpoint.RefreshCalls);
        Assert.Contains(host.Logs.GetSnapshot(), r => r.Id.Name == "SubscriberFailed" && r.Exception is InvalidOperationException);

        // Connecting and disconnecting notify too: a throwing subscriber does not fail them either.
        await host.Authorization.DisconnectAsync();
        Assert.Equal(KeapConnectionState.NotConnected, (await host.Authorization.GetStatusAsync()).State);
    }

    [Fact]
    public async Task A_throwing_Settled_subscriber_does_not_keep_the_stored_token_marked_pending()
    {
        var clock = new FakeTimeProvider(TokenTestHost.Start);
        var store = new ScriptedTokenStore(new InMemoryTokenStore(clock));
        using var host = TokenTestHost.Create(_endpoint, clock, store);
        await host.SeedAsync(TimeSpan.FromSeconds(-10));

        // Subscribed before the package's own listener: its exception must not keep that listener from running.
        var pending = host.Provider.GetRequiredService<PendingTokenSave>();
        pending.Settled += (_, _) => throw new InvalidOperationException("a subscriber failed");
        var failing = true;
        store.Before = op => failing && op == "save" ? throw new TokenStoreException("The database is unreachable.") : Task.CompletedTask;

        var token = await host.AdvanceUntilAsync(host.Tokens.GetAccessTokenAsync(CancellationToken.None).AsTask(), TimeSpan.FromSeconds(1));
        Assert.Equal("SECRET-at-2", token);
        var cache = host.Provider.GetRequiredService<TokenCache>();
        Assert.True(cache.Current!.Pending);

        failing = false;
        await host.AdvanceUntilAsync(() => cache.Current is { Pending: false }, TimeSpan.FromSeconds(5), steps: 2_000);

        Assert.False(cache.Current!.Pending);
        Assert.Equal("SECRET-at-2", (await store.Inner.GetAsync())!.Token.AccessToken);
        Assert.Equal(KeapConnectionState.Connected, (await host.Authorization.GetStatusAsync()).State);
        Assert.Contains(host.Logs.GetSnapshot(), r => r.Id.Name == "SubscriberFailed" && r.Exception is InvalidOperationException);
    }

    [Fact]
    public async Task A_token_change_raised_after_the_refresh_service_stopped_does_not_reach_it()
    {
        using var host = TokenTestHost.Create(_endpoint);
        var seeded = await host.SeedAsync(TimeSpan.FromHours(24));
        Assert.Equal("SECRET-at-1", await host.Tokens.GetAccessTokenAsync(CancellationToken.None));
        var service = host.Provider.GetServices<IHostedService>().OfType<KeapTokenRefreshService>().Single();

        // Subscribed before the service: while the change is being raised, the service stops and cleans up, and only
        // then does the raise reach the service's own listener (a late invocation).
        var stopped = false;
        host.Manager.TokenChanged += () =>
        {
            if (!stopped)
            {
                stopped = true;
                service.Dispose();
                Assert.True(service.ExecuteTask!.Wait(TimeSpan.FromSeconds(30)));
            }
        };
        await service.StartAsync(CancellationToken.None);

        // "Refresh now": the refresh raises the change that stops the service.
        var outcome = await host.AdvanceUntilAsync(host.Manager.RefreshAsync(seeded.Version), TimeSpan.FromSeconds(1));

        Assert.True(stopped);
        Assert.Equal(KeapConnectionState.Connected, outcome.State);
        Assert.Equal("SECRET-at-2", outcome.Token!.Token.AccessToken);
        Assert.DoesNotContain(host.Logs.GetSnapshot(), r => r.Id.Name == "SubscriberFailed");
    }
}
