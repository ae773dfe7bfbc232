using Keap.ServiceAccount.Tokens.Stores;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Keap.ServiceAccount.Tests.Tokens;

/// <summary>Interleavings of a refresh run's store read with a connect or disconnect on the same instance, and settings reloads.</summary>
public sealed class TokenPathRaceTests : IDisposable
{
    private readonly FakeTokenEndpoint _endpoint = new();

    public void Dispose() => _endpoint.Dispose();

    [Fact]
    public async Task A_store_check_that_read_before_a_disconnect_does_not_bring_the_removed_token_back()
    {
        var store = new HoldingStore(new InMemoryTokenStore(TimeProvider.System));
        using var host = TokenTestHost.Create(_endpoint, store: store);
        await host.SeedAsync(TimeSpan.FromHours(24));
        Assert.Equal("SECRET-at-1", await host.Tokens.GetAccessTokenAsync(CancellationToken.None));

        // The check reads the token, then the administrator disconnects before the check applies what it read.
        var check = await store.HoldNextReadAsync(() => host.Manager.RefreshAsync(forceVersion: null));
        await host.Authorization.DisconnectAsync();
        store.Release();
        await check;

        var error = await Assert.ThrowsAsync<KeapAuthorizationException>(() => host.Tokens.GetAccessTokenAsync(CancellationToken.None).AsTask());
        Assert.Equal(KeapConnectionState.NotConnected, error.State);
        Assert.DoesNotContain("SECRET", host.AllLogText() + error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_store_check_that_read_before_a_reconnect_does_not_replace_the_new_token_with_the_old_one()
    {
        var store = new HoldingStore(new InMemoryTokenStore(TimeProvider.System));
        using var host = TokenTestHost.Create(_endpoint, store: store);
        await host.SeedAsync(TimeSpan.FromHours(24));
        Assert.Equal("SECRET-at-1", await host.Tokens.GetAccessTokenAsync(CancellationToken.None));

        var check = await store.HoldNextReadAsync(() => host.Manager.RefreshAsync(forceVersion: null));
        var uri = await host.Authorization.CreateAuthorizationUriAsync();
        var connected = await host.Authorization.CompleteAuthorizationAsync(
            new KeapAuthorizationCallback(FakeTokenEndpoint.Code, QueryHelpers.ParseQuery(uri.Query)["state"].ToString()));
        Assert.Equal(KeapAuthorizationOutcome.Connected, connected.Outcome);
        store.Release();
        var outcome = await check;

        Assert.Equal("SECRET-at-2", await host.Tokens.GetAccessTokenAsync(CancellationToken.None));
        Assert.Equal("SECRET-at-2", outcome.Token?.Token.AccessToken);
        Assert.DoesNotContain("SECRET", host.AllLogText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refresh_now_refreshes_the_token_it_saw_even_when_it_joins_a_run_that_read_before_the_token_was_stored()
    {
        var store = new HoldingStore(new InMemoryTokenStore(TimeProvider.System));
        using var host = TokenTestHost.Create(_endpoint, store: store);

        // The background service's first run reads an empty store; the token is stored (connect) before that run ends.
        var background = await store.HoldNextReadAsync(() => host.Manager.RefreshAsync(forceVersion: null));
        await host.SeedAsync(TimeSpan.FromHours(20));
        var refreshNow = host.Authorization.RefreshNowAsync();
        store.Release();
        await background;
        var status = await refreshNow.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, _endpoint.RefreshCalls);
        Assert.Equal(KeapConnectionState.Connected, status.State);
        Assert.Equal("SECRET-at-2", await host.Tokens.GetAccessTokenAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Never_sends_the_refresh_token_when_a_slow_store_left_too_little_lease_for_Keaps_answer()
    {
        var clock = new FakeTimeProvider(TokenTestHost.Start);
        var store = new ScriptedTokenStore(new InMemoryTokenStore(clock));
        using var host = TokenTestHost.Create(_endpoint, clock, store);
        var seeded = await host.SeedAsync(TimeSpan.FromHours(2));

        // The read under the lease takes 50 s of the lease's 60: a 20 s token request would outlast it, and another
        // instance taking the lapsed lease would present the same refresh token while this one is still on the wire.
        var leased = false;
        var slowed = false;
        store.Before = op =>
        {
            if (op == "lease")
            {
                leased = true;
            }
            else if (op == "get" && leased && !slowed)
            {
                slowed = true;
                clock.Advance(TimeSpan.FromSeconds(50));
            }

            return Task.CompletedTask;
        };

        var outcome = await host.Manager.RefreshAsync(seeded.Version);

        Assert.Equal(0, _endpoint.RefreshCalls);
        Assert.Equal(KeapConnectionState.StoreUnavailable, outcome.State);
        Assert.Contains("lease", outcome.Error, StringComparison.Ordinal);
        var stored = await store.Inner.GetAsync();
        Assert.Equal(seeded.Version, stored!.Version);
        Assert.Null(stored.Refusal);

        // The lease was released: the next refresh, with the store answering in time, spends the token once.
        var retried = await host.Manager.RefreshAsync(seeded.Version);
        Assert.Equal(KeapConnectionState.Connected, retried.State);
        Assert.Equal(1, _endpoint.RefreshCalls);
        Assert.DoesNotContain("SECRET", host.AllLogText() + outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_apps_default_http_resilience_does_not_resend_the_refresh_token_on_a_slow_answer()
    {
        // Common in hosted apps: every HttpClient gets the standard resilience handler (10 s per attempt, retries).
        using var host = TokenTestHost.Create(_endpoint, build: b => b.Services.ConfigureHttpClientDefaults(h => h.AddStandardResilienceHandler()));
        await host.SeedAsync(TimeSpan.FromSeconds(-10));

        // Keap rotates at once but answers after 12 s, within TokenRequestTimeout (20 s).
        using var answer = new SemaphoreSlim(0);
        _endpoint.Enqueue(_ =>
        {
            var issued = _endpoint.Issue();
            answer.Wait(TimeSpan.FromSeconds(30));
            return FakeTokenEndpoint.Reply(200, $$"""{"access_token":"{{issued.AccessToken}}","token_type":"bearer","expires_in":86400,"refresh_token":"{{issued.RefreshToken}}","scope":"{{FakeTokenEndpoint.Scope}}"}""");
        });
        var refresh = host.Manager.RefreshAsync(forceVersion: null);
        await host.AdvanceUntilAsync(() => _endpoint.RefreshCalls > 0, TimeSpan.Zero, steps: 5_000);
        host.Clock.Advance(TimeSpan.FromSeconds(12));

        // Up to 18 s in all: long enough for a 10 s attempt timeout and its retry, short of TokenRequestTimeout.
        await host.AdvanceUntilAsync(() => refresh.IsCompleted || _endpoint.RefreshCalls > 1, TimeSpan.FromMilliseconds(500), steps: 12);
        answer.Release();
        var outcome = await refresh.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Empty(_endpoint.SpentRefreshTokensSent);
        Assert.Equal(1, _endpoint.RefreshCalls);
        Assert.Equal(KeapConnectionState.Connected, outcome.State);
    }

    [Fact]
    public async Task Options_changed_after_start_do_not_alter_the_token_path()
    {
        using var other = new FakeTokenEndpoint();
        var endpoint = _endpoint.TokenUri;
        using var host = TokenTestHost.Create(_endpoint, configure: o => o.TokenEndpoint = endpoint);
        await host.SeedAsync(TimeSpan.FromSeconds(-10));
        _ = await host.Authorization.GetStatusAsync();

        // A reload the application triggers itself (or a change token it registered): the token path keeps its settings.
        endpoint = other.TokenUri;
        host.Provider.GetRequiredService<IOptionsMonitorCache<KeapServiceAccountOptions>>().Clear();
        Assert.Equal(other.TokenUri, host.Provider.GetRequiredService<IOptionsMonitor<KeapServiceAccountOptions>>().CurrentValue.TokenEndpoint);

        Assert.Equal("SECRET-at-2", await host.Tokens.GetAccessTokenAsync(CancellationToken.None));
        Assert.Equal(1, _endpoint.RefreshCalls);
        Assert.Equal(0, other.RefreshCalls);
    }

    /// <summary>A store whose next read, once armed, returns what it read only after the test releases it.</summary>
    private sealed class HoldingStore(ITokenStore inner) : ITokenStore
    {
        private TaskCompletionSource? _reached;
        private TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Starts <paramref name="start"/> and returns its task once its first store read has read (and is held).</summary>
        public async Task<Task<T>> HoldNextReadAsync<T>(Func<Task<T>> start)
        {
            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _reached, reached);
            var task = start();
            await reached.Task.WaitAsync(TimeSpan.FromSeconds(30));
            return task;
        }

        public void Release() => _release.TrySetResult();

        public async ValueTask<StoredToken?> GetAsync(CancellationToken cancellationToken = default)
        {
            var read = await inner.GetAsync(cancellationToken);
            if (Interlocked.Exchange(ref _reached, null) is { } reached)
            {
                reached.TrySetResult();
                await _release.Task;
            }

            return read;
        }

        public ValueTask<StoredToken?> TrySaveAsync(KeapToken token, long expectedVersion, CancellationToken cancellationToken = default) =>
            inner.TrySaveAsync(token, expectedVersion, cancellationToken);

        public ValueTask<StoredToken?> TryMarkRefusedAsync(long expectedVersion, string reason, CancellationToken cancellationToken = default) =>
            inner.TryMarkRefusedAsync(expectedVersion, reason, cancellationToken);

        public ValueTask<bool> TryDeleteAsync(long expectedVersion, CancellationToken cancellationToken = default) =>
            inner.TryDeleteAsync(expectedVersion, cancellationToken);

        public ValueTask<TokenLease?> TryAcquireLeaseAsync(string owner, TimeSpan duration, CancellationToken cancellationToken = default) =>
            inner.TryAcquireLeaseAsync(owner, duration, cancellationToken);

        public ValueTask ReleaseLeaseAsync(TokenLease lease, CancellationToken cancellationToken = default) =>
            inner.ReleaseLeaseAsync(lease, cancellationToken);
    }
}
