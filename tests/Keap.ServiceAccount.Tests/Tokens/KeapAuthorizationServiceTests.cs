using Keap.ServiceAccount.Tokens.Internal;
using Keap.ServiceAccount.Tokens.Stores;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Keap.ServiceAccount.Tests.Tokens;

public sealed class KeapAuthorizationServiceTests : IDisposable
{
    private readonly FakeTokenEndpoint _endpoint = new();

    public void Dispose() => _endpoint.Dispose();

    [Fact]
    public async Task Builds_the_authorize_link_with_Keaps_parameters()
    {
        using var host = TokenTestHost.Create(_endpoint);

        var uri = await host.Authorization.CreateAuthorizationUriAsync();
        var query = QueryHelpers.ParseQuery(uri.Query);

        Assert.StartsWith("https://accounts.infusionsoft.com/app/oauth/authorize?", uri.AbsoluteUri, StringComparison.Ordinal);
        Assert.Equal(FakeTokenEndpoint.ClientId, query["client_id"]);
        Assert.Equal("https://app.example/keap/callback", query["redirect_uri"]);
        Assert.Equal("code", query["response_type"]);
        Assert.Equal("full", query["scope"]);
        Assert.False(string.IsNullOrEmpty(query["state"]));
    }

    [Fact]
    public async Task Connects_by_exchanging_the_code_and_storing_the_token()
    {
        using var host = TokenTestHost.Create(_endpoint);
        var state = await NewStateAsync(host);

        var result = await host.Authorization.CompleteAuthorizationAsync(new KeapAuthorizationCallback(FakeTokenEndpoint.Code, state));

        Assert.Equal(KeapAuthorizationOutcome.Connected, result.Outcome);
        Assert.Equal(KeapConnectionState.Connected, result.Status.State);
        Assert.Equal("ab123.infusionsoft.com", result.Status.Account);
        Assert.Equal("SECRET-at-1", await host.Tokens.GetAccessTokenAsync(CancellationToken.None));
        var body = Assert.Single(_endpoint.RequestBodies);
        Assert.Contains("grant_type=authorization_code", body, StringComparison.Ordinal);
        Assert.Contains("client_secret=", body, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", host.AllLogText() + result, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replaces_whatever_is_stored_when_connecting_again()
    {
        using var host = TokenTestHost.Create(_endpoint);
        await host.SeedAsync(TimeSpan.FromSeconds(-1));
        _endpoint.CurrentRefreshToken = "revoked";
        await Assert.ThrowsAsync<KeapAuthorizationException>(() => host.Tokens.GetAccessTokenAsync(CancellationToken.None).AsTask());

        var result = await host.Authorization.CompleteAuthorizationAsync(new KeapAuthorizationCallback(FakeTokenEndpoint.Code, await NewStateAsync(host)));

        Assert.Equal(KeapAuthorizationOutcome.Connected, result.Outcome);
        Assert.Equal(KeapConnectionState.Connected, result.Status.State);
        Assert.Equal("SECRET-at-2", await host.Tokens.GetAccessTokenAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("%%%")]
    [InlineData("not-a-state")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("====================================================================================================")]
    [InlineData("%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task Rejects_a_malformed_state_without_throwing(string? state)
    {
        using var host = TokenTestHost.Create(_endpoint);

        var result = await host.Authorization.CompleteAuthorizationAsync(new KeapAuthorizationCallback(FakeTokenEndpoint.Code, state));

        Assert.Equal(KeapAuthorizationOutcome.InvalidState, result.Outcome);
        Assert.Empty(_endpoint.RequestBodies);
    }

    [Fact]
    public async Task Says_a_rejection_is_a_replay_only_for_a_response_that_was_already_completed()
    {
        using var host = TokenTestHost.Create(_endpoint);
        var state = await NewStateAsync(host);
        var forged = state[..^2] + (state[^2] == 'A' ? "BB" : "AA");
        var first = await host.Authorization.CompleteAuthorizationAsync(new KeapAuthorizationCallback(FakeTokenEndpoint.Code, state));

        var replay = await host.Authorization.CompleteAuthorizationAsync(new KeapAuthorizationCallback(FakeTokenEndpoint.Code, state));
        var forgery = await host.Authorization.CompleteAuthorizationAsync(new KeapAuthorizationCallback(FakeTokenEndpoint.Code, forged));
        var missing = await host.Authorization.CompleteAuthorizationAsync(new KeapAuthorizationCallback(FakeTokenEndpoint.Code, null));

        Assert.False(first.AlreadyUsed);
        Assert.True(replay.AlreadyUsed);
        Assert.False(forgery.AlreadyUsed);
        Assert.False(missing.AlreadyUsed);
    }

    [Fact]
    public async Task Rejects_a_very_long_state_and_a_state_with_a_forged_signature()
    {
        using var host = TokenTestHost.Create(_endpoint);
        var genuine = await NewStateAsync(host);
        var forged = genuine[..^2] + (genuine[^2] == 'A' ? "BB" : "AA");

        var longResult = await host.Authorization.CompleteAuthorizationAsync(new KeapAuthorizationCallback(FakeTokenEndpoint.Code, new string('x', 5000)));
        var forgedResult = await host.Authorization.CompleteAuthorizationAsync(new KeapAuthorizationCallback(FakeTokenEndpoint.Code, forged));

        Assert.Equal(KeapAuthorizationOutcome.InvalidState, longResult.Outcome);
        Assert.Equal(KeapAuthorizationOutcome.InvalidState, forgedResult.Outcome);
        Assert.Empty(_endpoint.RequestBodies);
    }

    [Fact]
    public async Task Rejects_every_single_character_change_of_a_genuine_state()
    {
        using var host = TokenTestHost.Create(_endpoint);
        var states = host.Provider.GetRequiredService<AuthorizationStateProtector>();
        var genuine = await NewStateAsync(host);

        foreach (var position in new[] { 0, 10, 21, 32, 50, 74 })
        {
            for (var c = (char)0; c < 128; c++)
            {
                if (c != genuine[position])
                {
                    var mutated = string.Concat(genuine.AsSpan(0, position), c.ToString(), genuine.AsSpan(position + 1));
                    Assert.NotEqual(StateCheck.Valid, states.Consume(mutated));
                }
            }

            if (position == 0)
            {
                // Nothing so far consumed the genuine state.
                Assert.Equal(StateCheck.Valid, states.Consume(genuine));
            }
        }
    }

    [Fact]
    public async Task Rejects_a_replayed_state()
    {
        using var host = TokenTestHost.Create(_endpoint);
        var state = await NewStateAsync(host);
        await host.Authorization.CompleteAuthorizationAsync(new KeapAuthorizationCallback(FakeTokenEndpoint.Code, state));

        var replay = await host.Authorization.CompleteAuthorizationAsync(new KeapAuthorizationCallback(FakeTokenEndpoint.Code, state));

        Assert.Equal(KeapAuthorizationOutcome.InvalidState, replay.Outcome);
        Assert.Contains("already used", replay.Message, StringComparison.Ordinal);
        Assert.Single(_endpoint.RequestBodies);
    }

    [Fact]
    public async Task Rejects_an_expired_state()
    {
        using var host = TokenTestHost.Create(_endpoint);
        var state = await NewStateAsync(host);
        host.Clock.Advance(TimeSpan.FromMinutes(16));

        var result = await host.Authorization.CompleteAuthorizationAsync(new KeapAuthorizationCallback(FakeTokenEndpoint.Code, state));

        Assert.Equal(KeapAuthorizationOutcome.InvalidState, result.Outcome);
        Assert.Contains("expired", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Accepts_a_state_issued_before_a_restart()
    {
        string state;
        using (var before = TokenTestHost.Create(_endpoint))
        {
            state = await NewStateAsync(before);
        }

        using var after = TokenTestHost.Create(_endpoint);
        var result = await after.Authorization.CompleteAuthorizationAsync(new KeapAuthorizationCallback(FakeTokenEndpoint.Code, state));

        Assert.Equal(KeapAuthorizationOutcome.Connected, result.Outcome);
    }

    [Fact]
    public async Task Reports_a_denied_consent_with_Keaps_description()
    {
        using var host = TokenTestHost.Create(_endpoint);

        var result = await host.Authorization.CompleteAuthorizationAsync(
            new KeapAuthorizationCallback(null, await NewStateAsync(host), "access_denied", "User denied access to resource"));

        Assert.Equal(KeapAuthorizationOutcome.Denied, result.Outcome);
        Assert.Contains("User denied access to resource", result.Message, StringComparison.Ordinal);
        Assert.Equal(KeapConnectionState.NotConnected, result.Status.State);
        Assert.Empty(_endpoint.RequestBodies);
    }

    [Fact]
    public async Task A_forged_replayed_or_denied_callback_changes_neither_the_last_error_nor_the_health_of_a_working_connection()
    {
        using var host = TokenTestHost.Create(_endpoint);
        var state = await NewStateAsync(host);
        await host.Authorization.CompleteAuthorizationAsync(new KeapAuthorizationCallback(FakeTokenEndpoint.Code, state));
        var healthBefore = (await host.CheckHealthAsync()).Status;

        var replayed = await host.Authorization.CompleteAuthorizationAsync(new KeapAuthorizationCallback(FakeTokenEndpoint.Code, state));
        var forged = await host.Authorization.CompleteAuthorizationAsync(new KeapAuthorizationCallback("stolen", "forged-state"));
        var denied = await host.Authorization.CompleteAuthorizationAsync(
            new KeapAuthorizationCallback(null, await NewStateAsync(host), "access_denied", "User denied access to resource"));

        Assert.Equal(
            [KeapAuthorizationOutcome.InvalidState, KeapAuthorizationOutcome.InvalidState, KeapAuthorizationOutcome.Denied],
            [replayed.Outcome, forged.Outcome, denied.Outcome]);
        var status = await host.Authorization.GetStatusAsync();
        Assert.Equal(KeapConnectionState.Connected, status.State);
        Assert.Null(status.LastError);
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, healthBefore);
        Assert.Equal(healthBefore, (await host.CheckHealthAsync()).Status);
    }

    [Fact]
    public async Task Reports_a_failed_code_exchange()
    {
        using var host = TokenTestHost.Create(_endpoint);

        var result = await host.Authorization.CompleteAuthorizationAsync(new KeapAuthorizationCallback("SECRET-wrong-code", await NewStateAsync(host)));

        Assert.Equal(KeapAuthorizationOutcome.Failed, result.Outcome);
        Assert.Contains("invalid_grant", result.Message, StringComparison.Ordinal);

        // The failure is the callback's result; the connection's status is not the place for it.
        Assert.Null(result.Status.LastError);
        Assert.DoesNotContain("SECRET", host.AllLogText() + result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stores_the_grant_when_the_administrator_gives_up_while_Keap_exchanges_the_code()
    {
        using var host = TokenTestHost.Create(_endpoint);
        var state = await NewStateAsync(host);
        var onTheWire = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var answer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _endpoint.Enqueue(_ =>
        {
            onTheWire.TrySetResult();
            answer.Task.Wait(TimeSpan.FromSeconds(30));
            return null;
        });
        using var browser = new CancellationTokenSource();

        var completing = host.Authorization.CompleteAuthorizationAsync(new KeapAuthorizationCallback(FakeTokenEndpoint.Code, state), browser.Token);
        await onTheWire.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await browser.CancelAsync();
        answer.SetResult();
        var error = await Record.ExceptionAsync(() => completing.WaitAsync(TimeSpan.FromSeconds(30)));

        // The code is spent at Keap: the answer must be kept, whatever became of the browser's request.
        Assert.True(error is null or OperationCanceledException, error?.ToString());
        Assert.Equal("SECRET-at-1", (await host.Store.GetAsync())!.Token.AccessToken);
        Assert.Equal("SECRET-at-1", await host.Tokens.GetAccessTokenAsync(CancellationToken.None));
        Assert.Single(_endpoint.RequestBodies);
    }

    [Fact]
    public async Task Stores_the_grant_when_the_administrator_gives_up_while_the_store_saves_it()
    {
        var clock = new FakeTimeProvider(TokenTestHost.Start);
        var store = new GatedSaveStore(new InMemoryTokenStore(clock));
        using var host = TokenTestHost.Create(_endpoint, clock, store);
        var state = await NewStateAsync(host);
        using var browser = new CancellationTokenSource();

        var completing = host.Authorization.CompleteAuthorizationAsync(new KeapAuthorizationCallback(FakeTokenEndpoint.Code, state), browser.Token);
        await store.Saving.WaitAsync(TimeSpan.FromSeconds(30));
        await browser.CancelAsync();
        store.Release.SetResult();
        var result = await completing.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(KeapAuthorizationOutcome.Connected, result.Outcome);
        Assert.Equal("SECRET-at-1", (await store.GetAsync())!.Token.AccessToken);
    }

    [Fact]
    public async Task Gives_up_storing_a_grant_after_the_save_budget_and_says_so()
    {
        var clock = new FakeTimeProvider(TokenTestHost.Start);
        var store = new GatedSaveStore(new InMemoryTokenStore(clock));
        using var host = TokenTestHost.Create(_endpoint, clock, store, o => o.Refresh.ShutdownSaveBudget = TimeSpan.FromSeconds(5));
        var state = await NewStateAsync(host);

        var completing = host.Authorization.CompleteAuthorizationAsync(new KeapAuthorizationCallback(FakeTokenEndpoint.Code, state));
        await store.Saving.WaitAsync(TimeSpan.FromSeconds(30));
        host.Clock.Advance(TimeSpan.FromSeconds(5));
        var result = await completing.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(KeapAuthorizationOutcome.Failed, result.Outcome);
        Assert.Contains("could not be stored within 00:00:05 (Keap:Refresh:ShutdownSaveBudget)", result.Message, StringComparison.Ordinal);
        Assert.Null(await store.GetAsync());
    }

    [Fact]
    public async Task Disconnects_by_deleting_the_stored_token()
    {
        using var host = TokenTestHost.Create(_endpoint);
        await host.SeedAsync(TimeSpan.FromHours(24));
        await host.Tokens.GetAccessTokenAsync(CancellationToken.None);

        await host.Authorization.DisconnectAsync();

        Assert.Null(await host.Store.GetAsync());
        Assert.Equal(KeapConnectionState.NotConnected, (await host.Authorization.GetStatusAsync()).State);
        var error = await Assert.ThrowsAsync<KeapAuthorizationException>(() => host.Tokens.GetAccessTokenAsync(CancellationToken.None).AsTask());
        Assert.Equal(KeapConnectionState.NotConnected, error.State);
    }

    [Fact]
    public async Task Refreshes_now_and_reports_the_status()
    {
        using var host = TokenTestHost.Create(_endpoint);
        await host.SeedAsync(TimeSpan.FromHours(24), refreshTokenAge: TimeSpan.FromDays(10));
        host.Clock.Advance(TimeSpan.FromHours(1));

        var status = await host.Authorization.RefreshNowAsync();

        Assert.Equal(1, _endpoint.RefreshCalls);
        Assert.Equal(KeapConnectionState.Connected, status.State);
        Assert.Equal(host.Clock.GetUtcNow(), status.LastRefreshAt);
        Assert.Equal(host.Clock.GetUtcNow().AddDays(1), status.AccessTokenExpiresAt);
        Assert.Equal(TimeSpan.Zero, status.RefreshTokenAge);
        Assert.Equal(45, status.RefreshTokenDaysLeft);
        // The soft window starts at 21 hours; each instance starts a little later (jitter, at most 10 minutes).
        Assert.InRange(status.NextRefreshAt!.Value, host.Clock.GetUtcNow().AddHours(21), host.Clock.GetUtcNow().AddHours(21).AddMinutes(10));
        Assert.Null(status.LastError);
    }

    private static async Task<string> NewStateAsync(TokenTestHost host)
    {
        var uri = await host.Authorization.CreateAuthorizationUriAsync();
        return QueryHelpers.ParseQuery(uri.Query)["state"].ToString();
    }

    /// <summary>Holds each save until the test releases it; the wait ends when the caller's token is cancelled, as a database command's would.</summary>
    private sealed class GatedSaveStore(ITokenStore inner) : ITokenStore
    {
        private readonly TaskCompletionSource _saving = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Saving => _saving.Task;

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ValueTask<StoredToken?> GetAsync(CancellationToken cancellationToken = default) => inner.GetAsync(cancellationToken);

        public async ValueTask<StoredToken?> TrySaveAsync(KeapToken token, long expectedVersion, CancellationToken cancellationToken = default)
        {
            _saving.TrySetResult();
            await Release.Task.WaitAsync(cancellationToken);
            return await inner.TrySaveAsync(token, expectedVersion, cancellationToken);
        }

        public ValueTask<StoredToken?> TryMarkRefusedAsync(long expectedVersion, string reason, CancellationToken cancellationToken = default) =>
            inner.TryMarkRefusedAsync(expectedVersion, reason, cancellationToken);

        public ValueTask<bool> TryDeleteAsync(long expectedVersion, CancellationToken cancellationToken = default) => inner.TryDeleteAsync(expectedVersion, cancellationToken);

        public ValueTask<TokenLease?> TryAcquireLeaseAsync(string owner, TimeSpan duration, CancellationToken cancellationToken = default) =>
            inner.TryAcquireLeaseAsync(owner, duration, cancellationToken);

        public ValueTask ReleaseLeaseAsync(TokenLease lease, CancellationToken cancellationToken = default) => inner.ReleaseLeaseAsync(lease, cancellationToken);
    }
}
