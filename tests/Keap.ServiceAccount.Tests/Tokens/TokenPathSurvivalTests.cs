using Keap.ServiceAccount.Tokens;
using Keap.ServiceAccount.Tokens.Stores;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Keap.ServiceAccount.Tests.Tokens;

/// <summary>The failing inputs of "what the token path must survive", in one process with a fake clock.</summary>
public sealed class TokenPathSurvivalTests : IDisposable
{
    private readonly FakeTokenEndpoint _endpoint = new();

    public void Dispose() => _endpoint.Dispose();

    [Fact]
    public async Task Refreshes_at_most_once_per_lifetime_when_Keap_grants_one_hour_instead_of_24()
    {
        _endpoint.ExpiresInSeconds = 3600;
        using var host = TokenTestHost.Create(_endpoint);
        await host.SeedAsync(TimeSpan.FromHours(1), refreshTokenAge: TimeSpan.Zero);
        var service = host.Provider.GetServices<IHostedService>().OfType<KeapTokenRefreshService>().Single();
        await service.StartAsync(CancellationToken.None);

        // One API call every 50 ms for 5 seconds: the token is fresh for most of its hour, so nothing to refresh.
        for (var i = 0; i < 100; i++)
        {
            await host.Tokens.GetAccessTokenAsync(CancellationToken.None);
            await host.AdvanceUntilAsync(() => false, TimeSpan.FromMilliseconds(50), steps: 1);
        }

        Assert.Equal(0, _endpoint.RefreshCalls);

        // Three hours of one call a minute: one refresh per lifetime (each after three quarters of it), never a storm.
        for (var minute = 0; minute < 180; minute++)
        {
            var token = await host.Tokens.GetAccessTokenAsync(CancellationToken.None);
            Assert.True((await host.Store.GetAsync())!.Token.AccessTokenExpiresAt > host.Clock.GetUtcNow(), token);
            var next = host.Clock.GetUtcNow().AddMinutes(1);
            await host.AdvanceUntilAsync(() => host.Clock.GetUtcNow() >= next, TimeSpan.FromSeconds(10));
        }

        Assert.InRange(_endpoint.RefreshCalls, 3, 4);
        Assert.Contains(host.Logs.GetSnapshot(), r => r.Id.Name == "WindowsScaled" && r.Message.Contains("Keap:Refresh:SoftWindow", StringComparison.Ordinal));
        await service.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Never_presents_a_refused_refresh_token_again_from_any_instance_and_every_instance_reports_the_same_refusal()
    {
        var clock = new FakeTimeProvider(TokenTestHost.Start);
        var store = new InMemoryTokenStore(clock);
        using var a = TokenTestHost.Create(_endpoint, clock, store);
        using var b = TokenTestHost.Create(_endpoint, clock, store);
        await a.SeedAsync(TimeSpan.FromSeconds(-1));
        _endpoint.CurrentRefreshToken = "rotated-by-a-lost-reply";

        var refusedOnA = await Assert.ThrowsAsync<KeapAuthorizationException>(() => a.Tokens.GetAccessTokenAsync(CancellationToken.None).AsTask());
        var refusedOnB = await Assert.ThrowsAsync<KeapAuthorizationException>(() => b.Tokens.GetAccessTokenAsync(CancellationToken.None).AsTask());
        using (var restarted = TokenTestHost.Create(_endpoint, clock, store))
        {
            var refusedAfterRestart = await Assert.ThrowsAsync<KeapAuthorizationException>(() => restarted.Tokens.GetAccessTokenAsync(CancellationToken.None).AsTask());
            Assert.Equal(KeapConnectionState.NeedsReauthorization, refusedAfterRestart.State);
        }

        Assert.Equal(KeapConnectionState.NeedsReauthorization, refusedOnA.State);
        Assert.Equal(KeapConnectionState.NeedsReauthorization, refusedOnB.State);
        Assert.False(refusedOnB.IsTransient);
        Assert.Equal(1, _endpoint.RefreshCalls);
        Assert.Single(_endpoint.SpentRefreshTokensSent);
        var statusA = await a.Authorization.GetStatusAsync();
        var statusB = await b.Authorization.GetStatusAsync();
        Assert.Equal(KeapConnectionState.NeedsReauthorization, statusB.State);
        Assert.Equal(statusA.State, statusB.State);
        Assert.Equal(statusA.LastError, statusB.LastError);
        Assert.Contains("invalid_grant", statusB.LastError, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Unhealthy, (await b.CheckHealthAsync()).Entries["keap"].Status);

        // A reconnect on A stores a newer token: it clears the refusal for everyone.
        var connected = await a.Authorization.CompleteAuthorizationAsync(new KeapAuthorizationCallback(FakeTokenEndpoint.Code, await NewStateAsync(a)));
        Assert.Equal(KeapAuthorizationOutcome.Connected, connected.Outcome);
        Assert.Null((await store.GetAsync())!.Refusal);
        Assert.Equal((await store.GetAsync())!.Token.AccessToken, await b.Tokens.GetAccessTokenAsync(CancellationToken.None));
        Assert.Equal(KeapConnectionState.Connected, (await b.Authorization.GetStatusAsync()).State);
    }

    [Fact]
    public async Task Every_instance_follows_a_disconnect_and_a_reconnect_made_elsewhere_within_the_store_check_interval()
    {
        var clock = new FakeTimeProvider(TokenTestHost.Start);
        var store = new InMemoryTokenStore(clock);
        using var a = TokenTestHost.Create(_endpoint, clock, store);
        using var b = TokenTestHost.Create(_endpoint, clock, store, o => o.Refresh.StoreCheckInterval = TimeSpan.FromSeconds(20));
        await a.SeedAsync(TimeSpan.FromHours(24));
        Assert.Equal("SECRET-at-1", await b.Tokens.GetAccessTokenAsync(CancellationToken.None));

        await a.Authorization.DisconnectAsync();
        clock.Advance(TimeSpan.FromSeconds(21));
        var afterDisconnect = await FollowAsync(b, r => r is KeapAuthorizationException);
        Assert.Equal(KeapConnectionState.NotConnected, Assert.IsType<KeapAuthorizationException>(afterDisconnect).State);

        // A connects again (to another Keap account, say): B serves the new token, not the one it held.
        await a.SeedAsync(TimeSpan.FromHours(24));
        Assert.Equal("SECRET-at-2", await b.Tokens.GetAccessTokenAsync(CancellationToken.None));
        await a.Authorization.DisconnectAsync();
        await a.SeedAsync(TimeSpan.FromHours(24));
        clock.Advance(TimeSpan.FromSeconds(21));
        Assert.Equal("SECRET-at-3", await FollowAsync(b, r => r is "SECRET-at-3"));
        Assert.Equal(0, _endpoint.RefreshCalls);
    }

    [Theory]
    [InlineData("get", typeof(UnauthorizedAccessException))]
    [InlineData("lease", typeof(IOException))]
    [InlineData("lease", typeof(ObjectDisposedException))]
    public async Task Logs_records_and_backs_off_from_any_store_failure_as_a_TokenStoreException_naming_the_operation(string operation, Type exceptionType)
    {
        var clock = new FakeTimeProvider(TokenTestHost.Start);
        var store = new ScriptedTokenStore(new InMemoryTokenStore(clock));
        using var host = TokenTestHost.Create(_endpoint, clock, store);
        await host.SeedAsync(TimeSpan.FromHours(24));
        Assert.Equal("SECRET-at-1", await host.Tokens.GetAccessTokenAsync(CancellationToken.None));
        clock.Advance(TimeSpan.FromHours(22));
        store.Before = op => op == operation ? throw (Exception)Activator.CreateInstance(exceptionType, "the storage failed")! : Task.CompletedTask;
        store.Calls.Clear();

        // In the soft window: the caller keeps the valid token while the background refresh fails.
        var outcome = await host.Manager.RefreshAsync(forceVersion: null);
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal("SECRET-at-1", await host.Tokens.GetAccessTokenAsync(CancellationToken.None));
        }

        // One failed attempt, logged; then a pause, not a retry on every call.
        Assert.Equal(1, store.Calls.Count(c => c == operation));
        Assert.Equal(KeapConnectionState.StoreUnavailable, outcome.State);
        var expected = operation == "get" ? "could not read the token" : "could not take the refresh lease";
        Assert.Contains(expected, outcome.Error, StringComparison.Ordinal);
        Assert.Contains(exceptionType.Name, outcome.Error, StringComparison.Ordinal);
        Assert.Contains(host.Logs.GetSnapshot(), r => r.Id.Name == "StoreFailed" && r.Exception is TokenStoreException);
        var status = await host.Authorization.GetStatusAsync();
        Assert.Contains(expected, status.LastError, StringComparison.Ordinal);
        Assert.NotEqual(KeapConnectionState.Connected, status.State);
        Assert.Equal(0, _endpoint.RefreshCalls);
    }

    [Fact]
    public async Task Answers_a_call_after_disposal_with_a_transient_error_not_an_ObjectDisposedException()
    {
        var host = TokenTestHost.Create(_endpoint);
        await host.SeedAsync(TimeSpan.FromSeconds(-1));
        var tokens = host.Tokens;
        host.Dispose();

        var error = await Assert.ThrowsAsync<KeapAuthorizationException>(() => tokens.GetAccessTokenAsync(CancellationToken.None).AsTask());

        Assert.True(error.IsTransient);
        Assert.Equal(0, _endpoint.RefreshCalls);
    }

    [Fact]
    public async Task Reports_a_store_outage_as_store_unavailable_never_as_not_connected()
    {
        var clock = new FakeTimeProvider(TokenTestHost.Start);
        var store = new ScriptedTokenStore(new InMemoryTokenStore(clock));
        using var host = TokenTestHost.Create(_endpoint, clock, store);
        await host.SeedAsync(TimeSpan.FromHours(24));
        store.Before = op => throw new TokenStoreException("The SQL token store could not read the token: the database failed.");

        var status = await host.Authorization.GetStatusAsync();
        var health = (await host.CheckHealthAsync()).Entries["keap"];
        var error = await Assert.ThrowsAsync<KeapAuthorizationException>(() => host.Tokens.GetAccessTokenAsync(CancellationToken.None).AsTask());

        Assert.Equal(KeapConnectionState.StoreUnavailable, status.State);
        Assert.Contains("database failed", status.LastError, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.Contains("store is unavailable", health.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("Not connected", health.Description, StringComparison.Ordinal);
        Assert.Equal(KeapConnectionState.StoreUnavailable, error.State);
        Assert.True(error.IsTransient);
    }

    [Fact]
    public async Task Is_degraded_not_unhealthy_while_the_store_is_down_and_the_token_in_memory_is_still_valid()
    {
        var clock = new FakeTimeProvider(TokenTestHost.Start);
        var store = new ScriptedTokenStore(new InMemoryTokenStore(clock));
        using var host = TokenTestHost.Create(_endpoint, clock, store);
        await host.SeedAsync(TimeSpan.FromHours(24));
        Assert.Equal("SECRET-at-1", await host.Tokens.GetAccessTokenAsync(CancellationToken.None));
        store.Before = op => throw new TokenStoreException("The SQL token store could not read the token: the database failed.");

        var health = (await host.CheckHealthAsync()).Entries["keap"];

        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Contains("store is unavailable", health.Description, StringComparison.Ordinal);
        Assert.Equal("SECRET-at-1", await host.Tokens.GetAccessTokenAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Leaves_status_and_health_alone_when_an_authorization_callback_is_forged_replayed_or_denied()
    {
        using var host = TokenTestHost.Create(_endpoint);
        await host.SeedAsync(TimeSpan.FromHours(24));
        var state = await NewStateAsync(host);
        await host.Authorization.CompleteAuthorizationAsync(new KeapAuthorizationCallback(FakeTokenEndpoint.Code, state));

        var forged = await host.Authorization.CompleteAuthorizationAsync(new KeapAuthorizationCallback(FakeTokenEndpoint.Code, "forged"));
        var replayed = await host.Authorization.CompleteAuthorizationAsync(new KeapAuthorizationCallback(FakeTokenEndpoint.Code, state));
        var denied = await host.Authorization.CompleteAuthorizationAsync(new KeapAuthorizationCallback(null, await NewStateAsync(host), "access_denied", "User denied access to resource"));

        Assert.Equal(KeapAuthorizationOutcome.InvalidState, forged.Outcome);
        Assert.Equal(KeapAuthorizationOutcome.InvalidState, replayed.Outcome);
        Assert.Equal(KeapAuthorizationOutcome.Denied, denied.Outcome);
        var status = await host.Authorization.GetStatusAsync();
        Assert.Equal(KeapConnectionState.Connected, status.State);
        Assert.Null(status.LastError);
        Assert.Equal(HealthStatus.Healthy, (await host.CheckHealthAsync()).Entries["keap"].Status);
    }

    [Fact]
    public async Task Throws_a_transient_refresh_failing_error_when_the_token_endpoint_keeps_failing()
    {
        using var host = TokenTestHost.Create(_endpoint);
        await host.SeedAsync(TimeSpan.FromSeconds(-1));

        // Enough failures for every attempt a caller's wait may include.
        for (var i = 0; i < 8; i++)
        {
            _endpoint.EnqueueStatus(503, "<html>Service Unavailable</html>", "text/html");
        }

        var error = await Assert.ThrowsAsync<KeapAuthorizationException>(
            () => host.AdvanceUntilAsync(host.Tokens.GetAccessTokenAsync(CancellationToken.None).AsTask(), TimeSpan.FromMilliseconds(500)));

        Assert.Equal(KeapConnectionState.RefreshFailing, error.State);
        Assert.True(error.IsTransient);
        Assert.Contains("HTTP 503", error.Message, StringComparison.Ordinal);
        Assert.Equal(KeapConnectionState.RefreshFailing, (await host.Authorization.GetStatusAsync()).State);
        Assert.Equal(HealthStatus.Unhealthy, (await host.CheckHealthAsync()).Entries["keap"].Status);
    }

    [Fact]
    public async Task Never_hands_back_the_rejected_token_when_the_refresh_after_a_401_fails_transiently()
    {
        using var host = TokenTestHost.Create(_endpoint);
        await host.SeedAsync(TimeSpan.FromHours(10));
        var rejected = await host.Tokens.GetAccessTokenAsync(CancellationToken.None);
        for (var i = 0; i < 4; i++)
        {
            _endpoint.EnqueueStatus(503, "<html>Service Unavailable</html>", "text/html");
        }

        var error = await Assert.ThrowsAsync<KeapAuthorizationException>(
            () => host.AdvanceUntilAsync(host.Tokens.GetAccessTokenAfterRejectionAsync(rejected, CancellationToken.None).AsTask(), TimeSpan.FromMilliseconds(500)));

        Assert.True(error.IsTransient);
        Assert.Equal(KeapConnectionState.RefreshFailing, error.State);
        Assert.Contains("rejected", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", error.Message, StringComparison.Ordinal);
        Assert.Equal(4, _endpoint.RefreshCalls);
    }

    [Fact]
    public async Task Refresh_now_refreshes_the_version_it_saw_even_when_it_joins_a_refresh_that_needed_none()
    {
        var clock = new FakeTimeProvider(TokenTestHost.Start);
        var store = new ScriptedTokenStore(new InMemoryTokenStore(clock));
        using var host = TokenTestHost.Create(_endpoint, clock, store);
        await host.SeedAsync(TimeSpan.FromHours(24));
        var reads = 0;
        var slowRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        store.Before = op => op == "get" && Interlocked.Increment(ref reads) == 1 ? slowRead.Task : Task.CompletedTask;

        // A background check is under way (its store read is slow); the administrator presses "Refresh now".
        var check = host.Manager.RefreshAsync(forceVersion: null);
        await host.AdvanceUntilAsync(() => Volatile.Read(ref reads) >= 1, TimeSpan.Zero);
        var refreshNow = host.Authorization.RefreshNowAsync();
        await host.AdvanceUntilAsync(() => Volatile.Read(ref reads) >= 2, TimeSpan.Zero);
        slowRead.SetResult();
        var status = await refreshNow;
        await check;

        Assert.Equal(1, _endpoint.RefreshCalls);
        Assert.Equal("SECRET-at-2", (await store.GetAsync())!.Token.AccessToken);
        Assert.Equal(KeapConnectionState.Connected, status.State);
        Assert.Equal(clock.GetUtcNow(), status.LastRefreshAt);
    }

    [Fact]
    public async Task Spreads_the_request_path_refresh_of_busy_instances_over_the_jitter_window()
    {
        var clock = new FakeTimeProvider(TokenTestHost.Start);
        var stores = Enumerable.Range(0, 5).Select(_ => new ScriptedTokenStore(new InMemoryTokenStore(clock))).ToList();
        var hosts = stores.Select(store => TokenTestHost.Create(_endpoint, clock, store)).ToList();
        try
        {
            foreach (var host in hosts)
            {
                await host.SeedAsync(TimeSpan.FromHours(24));
                await host.Tokens.GetAccessTokenAsync(CancellationToken.None);
            }

            // Just past the un-jittered start of the soft window (21 h of 24), every instance is busy.
            clock.Advance(TimeSpan.FromHours(21) + TimeSpan.FromMilliseconds(1));
            var readsBefore = stores.Select(Reads).ToList();
            foreach (var host in hosts)
            {
                await host.Tokens.GetAccessTokenAsync(CancellationToken.None);
            }

            // Each request started a background check of its instance: once it has read the store, a run joined here
            // ends with it (or, if it ended already, decides the same), so it has decided against refreshing now.
            for (var i = 0; i < hosts.Count; i++)
            {
                var (store, before) = (stores[i], readsBefore[i]);
                await Eventually.TrueAsync($"instance {i}'s request starts a background check of the store", () => Reads(store) > before);
                await hosts[i].Manager.RefreshAsync(forceVersion: null);
            }

            Assert.Equal(0, _endpoint.RefreshCalls);
            var planned = new List<DateTimeOffset>();
            foreach (var host in hosts)
            {
                planned.Add((await host.Authorization.GetStatusAsync()).NextRefreshAt!.Value);
            }

            Assert.All(planned, p => Assert.InRange(p, TokenTestHost.Start.AddHours(21), TokenTestHost.Start.AddHours(21).AddMinutes(10)));
            Assert.True(planned.Distinct().Count() > 1, "every instance planned the same instant");
        }
        finally
        {
            hosts.ForEach(h => h.Dispose());
        }
    }

    private static int Reads(ScriptedTokenStore store) => store.Calls.Count(call => call == "get");

    private static Task<object> FollowAsync(TokenTestHost host, Func<object, bool> done) =>
        Eventually.ValueAsync<object>(
            "the instance follows the change made elsewhere",
            async () =>
            {
                try
                {
                    return await host.Tokens.GetAccessTokenAsync(CancellationToken.None);
                }
                catch (KeapAuthorizationException ex)
                {
                    return ex;
                }
            },
            done,
            pause: TimeSpan.FromMilliseconds(2));

    private static async Task<string> NewStateAsync(TokenTestHost host)
    {
        var uri = await host.Authorization.CreateAuthorizationUriAsync();
        return QueryHelpers.ParseQuery(uri.Query)["state"].ToString();
    }
}
