using Keap.ServiceAccount.Tokens.Internal;
using Keap.ServiceAccount.Tokens.Stores;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace Keap.ServiceAccount.Tests.Tokens;

public sealed class KeapTokenManagerTests : IDisposable
{
    private readonly FakeTokenEndpoint _endpoint = new();

    public void Dispose() => _endpoint.Dispose();

    [Fact]
    public async Task Refreshes_once_when_a_thousand_callers_find_the_token_expired()
    {
        using var host = TokenTestHost.Create(_endpoint);
        await host.SeedAsync(TimeSpan.FromSeconds(-10));
        var tokens = host.Tokens;

        var results = await Task.WhenAll(Enumerable.Range(0, 1000).Select(_ => Task.Run(() => tokens.GetAccessTokenAsync(CancellationToken.None).AsTask())));

        Assert.Equal(1, _endpoint.RefreshCalls);
        Assert.All(results, t => Assert.Equal("SECRET-at-2", t));
        Assert.Equal("SECRET-at-2", (await host.Store.GetAsync())!.Token.AccessToken);
    }

    [Fact]
    public async Task Serves_a_fresh_token_from_memory_without_calling_Keap()
    {
        using var host = TokenTestHost.Create(_endpoint);
        await host.SeedAsync(TimeSpan.FromHours(24));

        Assert.Equal("SECRET-at-1", await host.Tokens.GetAccessTokenAsync(CancellationToken.None));
        Assert.Equal("SECRET-at-1", await host.Tokens.GetAccessTokenAsync(CancellationToken.None));
        Assert.Equal(0, _endpoint.RefreshCalls);
    }

    [Fact]
    public async Task Hands_out_a_fresh_token_without_allocating()
    {
        using var host = TokenTestHost.Create(_endpoint);
        await host.SeedAsync(TimeSpan.FromHours(24));
        var tokens = host.Tokens;
        await tokens.GetAccessTokenAsync(CancellationToken.None);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            var pending = tokens.GetAccessTokenAsync(CancellationToken.None);
            Assert.True(pending.IsCompletedSuccessfully);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public async Task Two_managers_sharing_a_store_refresh_once_and_the_loser_adopts_the_winners_token()
    {
        var clock = new FakeTimeProvider(TokenTestHost.Start);
        var store = new InMemoryTokenStore(clock);
        using var a = TokenTestHost.Create(_endpoint, clock, store);
        using var b = TokenTestHost.Create(_endpoint, clock, store);
        await a.SeedAsync(TimeSpan.FromSeconds(-1));

        for (var rotation = 0; rotation < 3; rotation++)
        {
            var both = Task.WhenAll(
                Task.Run(() => a.Tokens.GetAccessTokenAsync(CancellationToken.None).AsTask()),
                Task.Run(() => b.Tokens.GetAccessTokenAsync(CancellationToken.None).AsTask()));
            var tokens = await a.AdvanceUntilAsync(both, TimeSpan.FromMilliseconds(100));

            Assert.Equal(rotation + 1, _endpoint.RefreshCalls);
            Assert.Equal(tokens[0], tokens[1]);
            clock.Advance(TimeSpan.FromHours(24));
        }

        Assert.Empty(_endpoint.SpentRefreshTokensSent);
    }

    [Fact]
    public async Task Recovers_from_invalid_grant_when_a_peer_rotated_meanwhile()
    {
        using var host = TokenTestHost.Create(_endpoint);
        var seeded = await host.SeedAsync(TimeSpan.FromSeconds(-1));

        // The peer spends the refresh token and stores its result just before our request reaches Keap.
        _endpoint.Enqueue(_ =>
        {
            var (access, refresh) = _endpoint.Issue();
            var now = host.Clock.GetUtcNow();
            host.Store.TrySaveAsync(new KeapToken(access, refresh, now.AddDays(1), now, FakeTokenEndpoint.Scope), seeded.Version).AsTask().GetAwaiter().GetResult();
            return FakeTokenEndpoint.Reply(400, """{"error":"invalid_grant","error_description":"Invalid refresh token"}""");
        });

        var token = await host.Tokens.GetAccessTokenAsync(CancellationToken.None);

        Assert.Equal("SECRET-at-2", token);
        var status = await host.Authorization.GetStatusAsync();
        Assert.Equal(KeapConnectionState.Connected, status.State);
    }

    [Fact]
    public async Task Needs_reauthorization_after_invalid_grant_with_nothing_newer_keeps_the_token_and_never_resends_it()
    {
        using var host = TokenTestHost.Create(_endpoint);
        var seeded = await host.SeedAsync(TimeSpan.FromSeconds(-1));
        _endpoint.CurrentRefreshToken = "revoked-elsewhere";

        var first = await Assert.ThrowsAsync<KeapAuthorizationException>(() => host.Tokens.GetAccessTokenAsync(CancellationToken.None).AsTask());
        var second = await Assert.ThrowsAsync<KeapAuthorizationException>(() => host.Tokens.GetAccessTokenAsync(CancellationToken.None).AsTask());

        Assert.Equal(KeapConnectionState.NeedsReauthorization, first.State);
        Assert.Equal(KeapConnectionState.NeedsReauthorization, second.State);
        Assert.Contains("invalid_grant", first.Message, StringComparison.Ordinal);
        Assert.Equal(1, _endpoint.RefreshCalls);
        var stored = await host.Store.GetAsync();

        // The refusal is recorded in the store, beside the token it concerns, under a new version.
        Assert.True(stored!.Version > seeded.Version);
        Assert.Equal(seeded.Token.RefreshToken, stored.Token.RefreshToken);
        Assert.Equal(first.Message, stored.Refusal);
        var status = await host.Authorization.GetStatusAsync();
        Assert.Equal(KeapConnectionState.NeedsReauthorization, status.State);
        Assert.Contains("connect again", status.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Starts_a_background_refresh_in_the_first_ten_minutes_after_21_hours_of_a_24_hour_token_and_keeps_serving_the_current_one()
    {
        using var host = TokenTestHost.Create(_endpoint);
        await host.SeedAsync(TimeSpan.FromHours(24));

        host.Clock.Advance(TimeSpan.FromHours(20.9));
        Assert.Equal("SECRET-at-1", await host.Tokens.GetAccessTokenAsync(CancellationToken.None));
        Assert.Equal(0, _endpoint.RefreshCalls);

        // The soft window opens at 21 hours; this instance's own start lies within its first 10 minutes (jitter).
        host.Clock.Advance(TimeSpan.FromHours(0.1) + TimeSpan.FromMinutes(10));
        Assert.Equal("SECRET-at-1", await host.Tokens.GetAccessTokenAsync(CancellationToken.None));
        await host.Manager.RefreshAsync(forceVersion: null);

        Assert.Equal(1, _endpoint.RefreshCalls);
        Assert.Equal("SECRET-at-2", await host.Tokens.GetAccessTokenAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Makes_callers_wait_for_the_refresh_inside_the_hard_window()
    {
        using var host = TokenTestHost.Create(_endpoint);
        await host.SeedAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("SECRET-at-2", await host.Tokens.GetAccessTokenAsync(CancellationToken.None));
        Assert.Equal(1, _endpoint.RefreshCalls);
    }

    [Fact]
    public async Task Retries_the_same_refresh_token_after_a_server_error()
    {
        using var host = TokenTestHost.Create(_endpoint);
        await host.SeedAsync(TimeSpan.FromSeconds(-1));
        _endpoint.EnqueueStatus(503, "<html>Service Unavailable</html>", "text/html");

        var token = await host.AdvanceUntilAsync(host.Tokens.GetAccessTokenAsync(CancellationToken.None).AsTask(), TimeSpan.FromMilliseconds(500));

        Assert.Equal("SECRET-at-2", token);
        Assert.Equal(2, _endpoint.RefreshCalls);
        Assert.Empty(_endpoint.SpentRefreshTokensSent);
    }

    [Fact]
    public async Task Keeps_the_new_token_in_memory_while_the_store_refuses_saves_past_the_lease_and_stores_it_when_the_store_returns()
    {
        var clock = new FakeTimeProvider(TokenTestHost.Start);
        var store = new FailingSaveStore(new InMemoryTokenStore(clock));
        using var host = TokenTestHost.Create(_endpoint, clock, store);
        var seeded = await store.Inner.TrySaveAsync(
            new KeapToken("SECRET-at-0", _endpoint.Issue().RefreshToken, clock.GetUtcNow().AddSeconds(-1), clock.GetUtcNow().AddDays(-1), FakeTokenEndpoint.Scope),
            StoredToken.NoVersion);

        // Keap rotated; every save fails until well past the lease: the new token is served from memory.
        var token = await host.AdvanceUntilAsync(host.Tokens.GetAccessTokenAsync(CancellationToken.None).AsTask(), TimeSpan.FromSeconds(1));

        Assert.Equal("SECRET-at-2", token);
        Assert.True(store.SaveAttempts > 1);
        Assert.Equal(seeded!.Version, (await store.GetAsync())!.Version);
        var status = await host.Authorization.GetStatusAsync();
        Assert.Equal(KeapConnectionState.StoreUnavailable, status.State);
        Assert.True(status.AccessTokenExpiresAt > clock.GetUtcNow().AddHours(23));
        host.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal("SECRET-at-2", await host.Tokens.GetAccessTokenAsync(CancellationToken.None));

        // The store comes back: the compare-and-swap against the version it replaced (the fence) lands.
        store.Failing = false;
        var cache = host.Provider.GetRequiredService<TokenCache>();
        await host.AdvanceUntilAsync(() => cache.Current is { Pending: false }, TimeSpan.FromSeconds(5));
        var stored = await store.GetAsync();
        Assert.Equal("SECRET-at-2", stored!.Token.AccessToken);
        Assert.Equal(KeapConnectionState.Connected, (await host.Authorization.GetStatusAsync()).State);
        Assert.Equal(1, _endpoint.RefreshCalls);
        Assert.Empty(_endpoint.SpentRefreshTokensSent);
        Assert.DoesNotContain("SECRET", host.AllLogText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explains_a_lost_reply_when_the_retry_finds_the_refresh_token_spent()
    {
        using var host = TokenTestHost.Create(_endpoint);
        await host.SeedAsync(TimeSpan.FromSeconds(-1));

        // Keap rotates, but the reply never arrives: the retry with the same refresh token meets invalid_grant.
        _endpoint.Enqueue(_ =>
        {
            _endpoint.Issue();
            return FakeTokenEndpoint.Reply(504, "<html>Gateway Timeout</html>", "text/html");
        });

        var error = await Assert.ThrowsAsync<KeapAuthorizationException>(
            () => host.AdvanceUntilAsync(host.Tokens.GetAccessTokenAsync(CancellationToken.None).AsTask(), TimeSpan.FromMilliseconds(500)));

        Assert.Equal(KeapConnectionState.NeedsReauthorization, error.State);
        Assert.Contains("invalid_grant", error.Message, StringComparison.Ordinal);
        Assert.Contains("HTTP 504", error.Message, StringComparison.Ordinal);
        Assert.Contains("probably rotated", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, _endpoint.RefreshCalls);
    }

    [Fact]
    public async Task Refreshes_after_a_rejection_only_when_the_rejected_token_is_still_current()
    {
        using var host = TokenTestHost.Create(_endpoint);
        await host.SeedAsync(TimeSpan.FromHours(10));
        var current = await host.Tokens.GetAccessTokenAsync(CancellationToken.None);

        Assert.Equal(current, await host.Tokens.GetAccessTokenAfterRejectionAsync("some-older-token", CancellationToken.None));
        Assert.Equal(0, _endpoint.RefreshCalls);

        var renewed = await host.Tokens.GetAccessTokenAfterRejectionAsync(current, CancellationToken.None);
        Assert.NotEqual(current, renewed);
        Assert.Equal(1, _endpoint.RefreshCalls);
    }

    [Fact]
    public async Task Throws_not_connected_when_no_token_is_stored()
    {
        using var host = TokenTestHost.Create(_endpoint);

        var error = await Assert.ThrowsAsync<KeapAuthorizationException>(() => host.Tokens.GetAccessTokenAsync(CancellationToken.None).AsTask());

        Assert.Equal(KeapConnectionState.NotConnected, error.State);
        Assert.Equal(0, _endpoint.RefreshCalls);
    }

    [Fact]
    public async Task A_cancelled_caller_does_not_cancel_the_shared_refresh()
    {
        using var host = TokenTestHost.Create(_endpoint);
        await host.SeedAsync(TimeSpan.FromSeconds(-1));
        _endpoint.EnqueueStatus(500, "{}");
        using var cancelled = new CancellationTokenSource();

        var first = host.Tokens.GetAccessTokenAsync(cancelled.Token).AsTask();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);

        var token = await host.AdvanceUntilAsync(host.Tokens.GetAccessTokenAsync(CancellationToken.None).AsTask(), TimeSpan.FromMilliseconds(500));
        Assert.Equal("SECRET-at-2", token);
        Assert.Equal(2, _endpoint.RefreshCalls);
    }

    [Fact]
    public async Task Records_refresh_metrics_and_never_logs_a_secret()
    {
        using var host = TokenTestHost.Create(_endpoint);
        var meterFactory = host.Provider.GetRequiredService<IMeterFactory>();
        using var refreshes = new MetricCollector<long>(meterFactory, KeapServiceAccountDiagnostics.MeterName, "keap.token.refreshes");
        using var failures = new MetricCollector<long>(meterFactory, KeapServiceAccountDiagnostics.MeterName, "keap.token.refresh_failures");
        using var duration = new MetricCollector<double>(meterFactory, KeapServiceAccountDiagnostics.MeterName, "keap.token.refresh.duration");
        using var expiry = new MetricCollector<double>(meterFactory, KeapServiceAccountDiagnostics.MeterName, "keap.token.time_to_expiry");
        await host.SeedAsync(TimeSpan.FromSeconds(-1));

        await host.Tokens.GetAccessTokenAsync(CancellationToken.None);
        _endpoint.CurrentRefreshToken = "revoked";
        host.Clock.Advance(TimeSpan.FromHours(24));
        await Assert.ThrowsAsync<KeapAuthorizationException>(() => host.Tokens.GetAccessTokenAsync(CancellationToken.None).AsTask());
        expiry.RecordObservableInstruments();

        Assert.Equal(1, refreshes.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(1, failures.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(2, duration.GetMeasurementSnapshot().Count);
        Assert.NotNull(expiry.LastMeasurement);
        var logs = host.AllLogText();
        Assert.Contains("needs re-authorization", logs, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Traces_each_refresh_as_one_span()
    {
        using var host = TokenTestHost.Create(_endpoint);
        await host.SeedAsync(TimeSpan.FromSeconds(-1));
        var spans = new List<System.Diagnostics.Activity>();
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = s => s.Name is KeapServiceAccountDiagnostics.ActivitySourceName or "test",
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllData,
            ActivityStopped = a => { lock (spans) { spans.Add(a); } },
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);

        // Other tests refresh in parallel: only spans under this test's parent count.
        using var source = new System.Diagnostics.ActivitySource("test");
        using (var parent = source.StartActivity("test"))
        {
            await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => host.Tokens.GetAccessTokenAsync(CancellationToken.None).AsTask()));
            // Other tests' spans keep arriving on the listener's thread: assert on a copy taken under the lock.
            System.Diagnostics.Activity[] stopped;
            lock (spans)
            {
                stopped = [.. spans];
            }

            var span = Assert.Single(stopped, s => s.OperationName == "keap.token.refresh" && s.ParentSpanId == parent!.SpanId);
            Assert.Equal("Refreshed", span.GetTagItem("keap.token.refresh.result"));
        }
    }

    private sealed class FailingSaveStore(InMemoryTokenStore inner) : ITokenStore
    {
        private int _saveAttempts;

        public InMemoryTokenStore Inner => inner;

        public int SaveAttempts => Volatile.Read(ref _saveAttempts);

        public ValueTask<StoredToken?> GetAsync(CancellationToken cancellationToken = default) => inner.GetAsync(cancellationToken);

        public bool Failing { get; set; } = true;

        public ValueTask<StoredToken?> TrySaveAsync(KeapToken token, long expectedVersion, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _saveAttempts);
            return Failing ? throw new TokenStoreException("The database is unreachable.") : inner.TrySaveAsync(token, expectedVersion, cancellationToken);
        }

        public ValueTask<StoredToken?> TryMarkRefusedAsync(long expectedVersion, string reason, CancellationToken cancellationToken = default) => inner.TryMarkRefusedAsync(expectedVersion, reason, cancellationToken);

        public ValueTask<bool> TryDeleteAsync(long expectedVersion, CancellationToken cancellationToken = default) => inner.TryDeleteAsync(expectedVersion, cancellationToken);

        public ValueTask<TokenLease?> TryAcquireLeaseAsync(string owner, TimeSpan duration, CancellationToken cancellationToken = default) => inner.TryAcquireLeaseAsync(owner, duration, cancellationToken);

        public ValueTask ReleaseLeaseAsync(TokenLease lease, CancellationToken cancellationToken = default) => inner.ReleaseLeaseAsync(lease, cancellationToken);
    }
}
