using Keap.ServiceAccount.Tokens.Internal;
using Keap.ServiceAccount.Tokens.Stores;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Keap.ServiceAccount.Tests.Tokens.Internal;

/// <summary>Storing Keap's answer against a store that fails, races or loses replies, without a host.</summary>
public sealed class RefreshAnswerSaveTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly ScriptedTokenStore _store;
    private readonly TokenCache _cache;
    private readonly TokenAdoption _adoption;
    private readonly RefreshStopSignals _signals;
    private readonly RefreshAnswerSave _save;

    public RefreshAnswerSaveTests()
    {
        _store = new ScriptedTokenStore(new InMemoryTokenStore(_time));
        var guarded = new GuardedTokenStore(_store);
        _cache = new TokenCache(new RefreshSchedule(Options.Create(new KeapServiceAccountOptions()), _time, NullLogger<RefreshSchedule>.Instance));
        _adoption = new TokenAdoption(_cache, NullLogger.Instance);
        _signals = new RefreshStopSignals(_time);
        var pending = new PendingTokenSave(guarded, _cache, new ConnectionStatusTracker(_time), _time, NullLogger<PendingTokenSave>.Instance);
        _save = new RefreshAnswerSave(guarded, pending, _adoption, _signals, _time, NullLogger.Instance);
    }

    public void Dispose() => _signals.Dispose();

    [Fact]
    public async Task A_saved_answer_is_served_as_refreshed()
    {
        var (current, lease) = await SeedAsync();

        var outcome = await _save.SaveAsync(Fresh("2"), current, lease);

        Assert.Equal(RefreshKind.Refreshed, outcome.Kind);
        Assert.Equal(current.Version + 1, outcome.Token!.Version);
        Assert.Equal("SECRET-at-2", _cache.Current!.AccessToken);
        Assert.Equal("SECRET-rt-2", (await _store.Inner.GetAsync())!.Token.RefreshToken);
    }

    [Fact]
    public async Task A_store_that_fails_the_save_leaves_the_answer_served_from_memory()
    {
        var (current, lease) = await SeedAsync();
        _store.Before = op => op == "save" ? throw new TokenStoreException("The database is down.") : Task.CompletedTask;

        // The save is retried until the lease ends: the fake clock is moved on until the run gives up.
        var outcome = await OnFakeClockAsync(_save.SaveAsync(Fresh("2"), current, lease));

        Assert.Equal(RefreshKind.KeptInMemory, outcome.Kind);
        Assert.Equal(KeapConnectionState.StoreUnavailable, outcome.State);
        Assert.True(_cache.Current!.Pending);
        Assert.Equal("SECRET-at-2", _cache.Current.AccessToken);
        Assert.DoesNotContain("SECRET", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_newer_token_written_by_a_peer_wins_over_a_late_save()
    {
        var (current, lease) = await SeedAsync();
        var peers = await _store.Inner.TrySaveAsync(Fresh("peer"), current.Version);

        var outcome = await _save.SaveAsync(Fresh("2"), current, lease);

        Assert.Equal(RefreshKind.Adopted, outcome.Kind);
        Assert.Equal(peers!.Version, outcome.Token!.Version);
        Assert.Equal("SECRET-at-peer", _cache.Current!.AccessToken);
    }

    [Fact]
    public async Task A_peer_rewriting_the_rotated_token_does_not_win_over_the_answer()
    {
        var (current, lease) = await SeedAsync();

        // A peer that presented the same refresh token after us recorded Keap's refusal on it: the same token, a newer version.
        await _store.Inner.TryMarkRefusedAsync(current.Version, "refused after our rotation");

        var outcome = await _save.SaveAsync(Fresh("2"), current, lease);

        Assert.Equal(RefreshKind.KeptInMemory, outcome.Kind);
        Assert.Equal("SECRET-at-2", _cache.Current!.AccessToken);
    }

    [Fact]
    public async Task A_refusal_the_store_cannot_record_is_remembered_by_this_process()
    {
        var (current, _) = await SeedAsync();
        _store.Before = op => op is "refuse" or "get" ? throw new TokenStoreException("The database is down.") : Task.CompletedTask;

        var outcome = await _save.RefusedAsync(current, "Keap refused the stored refresh token.");

        Assert.Equal(KeapConnectionState.NeedsReauthorization, outcome.State);
        Assert.Equal("Keap refused the stored refresh token.", _adoption.LocalRefusalFor(current.Version));
        Assert.Null(_adoption.LocalRefusalFor(current.Version + 1));
    }

    [Fact]
    public async Task A_recorded_refusal_is_adopted_from_the_store()
    {
        var (current, _) = await SeedAsync();

        var outcome = await _save.RefusedAsync(current, "Keap refused the stored refresh token.");

        Assert.Equal(KeapConnectionState.NeedsReauthorization, outcome.State);
        Assert.Equal("Keap refused the stored refresh token.", (await _store.Inner.GetAsync())!.Refusal);
        Assert.Null(_adoption.LocalRefusalFor(current.Version));
    }

    [Fact]
    public async Task A_release_the_store_loses_does_not_fail_the_run()
    {
        var (_, lease) = await SeedAsync();
        _store.Before = op => op == "release" ? throw new TokenStoreException("The reply was lost.") : Task.CompletedTask;

        await _save.ReleaseAsync(lease);

        Assert.Contains("release", _store.Calls);
    }

    private async Task<T> OnFakeClockAsync<T>(Task<T> run)
    {
        for (var step = 0; step < 600 && !run.IsCompleted; step++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));

            // Lets the retry's continuation run after each step; the run's own completion ends the wait at once.
            await Task.WhenAny(run, Task.Delay(TimeSpan.FromMilliseconds(5), TimeProvider.System));
        }

        Assert.True(run.IsCompleted, "The save was still retrying ten minutes (on the fake clock) after a two-minute lease.");
        return await run;
    }

    private async Task<(StoredToken Current, TokenLease Lease)> SeedAsync()
    {
        var current = await _store.Inner.TrySaveAsync(Fresh("1"), StoredToken.NoVersion);
        _cache.Set(current!);
        var lease = await _store.Inner.TryAcquireLeaseAsync("test", TimeSpan.FromMinutes(2));
        return (current!, lease!);
    }

    private KeapToken Fresh(string n) => new($"SECRET-at-{n}", $"SECRET-rt-{n}", _time.GetUtcNow().AddHours(24), _time.GetUtcNow(), "full|ab123.infusionsoft.com");
}
