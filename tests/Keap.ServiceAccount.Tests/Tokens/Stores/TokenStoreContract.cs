using Keap.ServiceAccount.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Keap.ServiceAccount.Tests.Tokens.Stores;

/// <summary>
/// The <see cref="ITokenStore"/> contract, run against every store: each store's test class derives from this
/// (or from <see cref="DurableTokenStoreContract"/>) and only says how to create the store.
/// </summary>
public abstract class TokenStoreContract : IAsyncLifetime
{
    protected static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(60);

    private ITokenStore? _store;

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 29, 8, 0, 0, TimeSpan.Zero));

    /// <summary>The store under test, created once per test before it runs.</summary>
    protected ITokenStore Store => _store ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    /// <summary>Creates a store over the test's backing storage (a second call: another instance, as in another process).</summary>
    protected abstract ITokenStore CreateStore();

    public Task InitializeAsync()
    {
        // Created here, not lazily, so concurrent callers in a test share one instance.
        _store = CreateStore();
        return Task.CompletedTask;
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;

    /// <summary>
    /// Lets <paramref name="by"/> pass on every clock the store uses: the instances' <see cref="Time"/>, and the
    /// database's where a store keeps its leases on the database's clock.
    /// </summary>
    protected virtual Task AdvanceAsync(TimeSpan by)
    {
        Time.Advance(by);
        return Task.CompletedTask;
    }

    protected KeapToken NewToken(string name) => new(
        $"access-{name}-secret",
        $"refresh-{name}-secret",
        Time.GetUtcNow().AddHours(24),
        Time.GetUtcNow(),
        "full|ab123.infusionsoft.com");

    [StoreFact]
    public async Task Reads_nothing_from_an_empty_store()
    {
        Assert.Null(await Store.GetAsync());
    }

    [StoreFact]
    public async Task Saves_the_first_token_and_reads_it_back_with_its_version()
    {
        var token = NewToken("first");

        var saved = await Store.TrySaveAsync(token, StoredToken.NoVersion);
        var read = await Store.GetAsync();

        Assert.NotNull(saved);
        Assert.True(saved.Version > StoredToken.NoVersion);
        Assert.NotNull(read);
        Assert.Equal(saved.Version, read.Version);
        Assert.Equal(token.AccessToken, read.Token.AccessToken);
        Assert.Equal(token.RefreshToken, read.Token.RefreshToken);
        Assert.Equal(token.AccessTokenExpiresAt, read.Token.AccessTokenExpiresAt);
        Assert.Equal(token.RefreshTokenIssuedAt, read.Token.RefreshTokenIssuedAt);
        Assert.Equal(token.Scope, read.Token.Scope);
    }

    [StoreFact]
    public async Task Refuses_a_save_from_a_stale_version_and_keeps_the_newer_token()
    {
        var first = await Store.TrySaveAsync(NewToken("one"), StoredToken.NoVersion);
        var second = await Store.TrySaveAsync(NewToken("two"), first!.Version);

        var stale = await Store.TrySaveAsync(NewToken("stale"), first.Version);
        var staleFirst = await Store.TrySaveAsync(NewToken("stale-first"), StoredToken.NoVersion);

        Assert.NotNull(second);
        Assert.True(second.Version > first.Version);
        Assert.Null(stale);
        Assert.Null(staleFirst);
        Assert.Equal("access-two-secret", (await Store.GetAsync())!.Token.AccessToken);
    }

    [StoreFact]
    public async Task Never_repeats_a_version_across_a_delete()
    {
        var first = await Store.TrySaveAsync(NewToken("one"), StoredToken.NoVersion);

        Assert.False(await Store.TryDeleteAsync(first!.Version + 1));
        Assert.True(await Store.TryDeleteAsync(first.Version));
        Assert.Null(await Store.GetAsync());
        var again = await Store.TrySaveAsync(NewToken("again"), StoredToken.NoVersion);

        Assert.NotNull(again);
        Assert.True(again.Version > first.Version);
        Assert.Null(await Store.TrySaveAsync(NewToken("stale"), first.Version));
        Assert.False(await Store.TryDeleteAsync(first.Version));
        Assert.Equal("access-again-secret", (await Store.GetAsync())!.Token.AccessToken);
    }

    [StoreFact]
    public async Task Records_a_refusal_for_the_version_it_concerns_until_a_newer_token_replaces_it()
    {
        var first = await Store.TrySaveAsync(NewToken("one"), StoredToken.NoVersion);
        var second = await Store.TrySaveAsync(NewToken("two"), first!.Version);

        Assert.Null(await Store.TryMarkRefusedAsync(first.Version, "stale"));
        var refused = await Store.TryMarkRefusedAsync(second!.Version, "Keap refused the stored refresh token (invalid_grant).");
        var read = await Store.GetAsync();

        Assert.NotNull(refused);
        Assert.True(refused.Version > second.Version);
        Assert.Equal("Keap refused the stored refresh token (invalid_grant).", refused.Refusal);
        Assert.Equal(refused.Version, read!.Version);
        Assert.Equal(refused.Refusal, read.Refusal);
        Assert.Equal("refresh-two-secret", read.Token.RefreshToken);
        Assert.Null(await Store.TrySaveAsync(NewToken("stale"), second.Version));

        var reconnected = await Store.TrySaveAsync(NewToken("three"), refused.Version);
        Assert.Null(reconnected!.Refusal);
        Assert.Null((await Store.GetAsync())!.Refusal);
        Assert.Null(await Store.TryMarkRefusedAsync(refused.Version, "late"));
    }

    [StoreFact]
    public async Task Grants_the_lease_to_one_owner_until_it_expires()
    {
        var takenAt = Time.GetUtcNow();
        var held = await Store.TryAcquireLeaseAsync("instance-a", LeaseDuration);

        var whileHeld = await Store.TryAcquireLeaseAsync("instance-b", LeaseDuration);
        await AdvanceAsync(LeaseDuration - TimeSpan.FromSeconds(1));
        var justBeforeExpiry = await Store.TryAcquireLeaseAsync("instance-b", LeaseDuration);
        await AdvanceAsync(TimeSpan.FromSeconds(1));
        var afterExpiry = await Store.TryAcquireLeaseAsync("instance-b", LeaseDuration);

        Assert.NotNull(held);
        Assert.Equal("instance-a", held.Owner);
        Assert.Equal(takenAt + LeaseDuration, held.ExpiresAt);
        Assert.Null(whileHeld);
        Assert.Null(justBeforeExpiry);
        Assert.NotNull(afterExpiry);
        Assert.NotEqual(held.LeaseId, afterExpiry.LeaseId);
    }

    [StoreFact]
    public async Task Frees_the_lease_on_release()
    {
        var held = await Store.TryAcquireLeaseAsync("instance-a", LeaseDuration);

        await Store.ReleaseLeaseAsync(held!);
        var next = await Store.TryAcquireLeaseAsync("instance-b", LeaseDuration);

        Assert.NotNull(next);
        Assert.Equal("instance-b", next.Owner);
    }

    [StoreFact]
    public async Task Ignores_a_release_by_anyone_but_the_current_holder()
    {
        var expired = await Store.TryAcquireLeaseAsync("instance-a", LeaseDuration);
        await AdvanceAsync(LeaseDuration);
        var current = await Store.TryAcquireLeaseAsync("instance-b", LeaseDuration);

        await Store.ReleaseLeaseAsync(expired!);
        await Store.ReleaseLeaseAsync(new TokenLease("instance-b", "not-the-lease-id", current!.ExpiresAt));
        var intruder = await Store.TryAcquireLeaseAsync("instance-c", LeaseDuration);

        Assert.Null(intruder);
    }

    [StoreFact]
    public async Task Fences_off_a_holder_whose_lease_expired_from_overwriting_a_newer_token()
    {
        var original = await Store.TrySaveAsync(NewToken("original"), StoredToken.NoVersion);
        var slow = await Store.TryAcquireLeaseAsync("slow-instance", LeaseDuration);
        var readBySlow = await Store.GetAsync();

        // The slow holder stalls past its lease; another instance takes over and stores the refreshed token.
        await AdvanceAsync(LeaseDuration + TimeSpan.FromSeconds(1));
        var fast = await Store.TryAcquireLeaseAsync("fast-instance", LeaseDuration);
        var readByFast = await Store.GetAsync();
        var savedByFast = await Store.TrySaveAsync(NewToken("fast"), readByFast!.Version);
        var savedBySlow = await Store.TrySaveAsync(NewToken("slow"), readBySlow!.Version);

        Assert.NotNull(slow);
        Assert.NotNull(fast);
        Assert.Equal(original!.Version, readBySlow.Version);
        Assert.NotNull(savedByFast);
        Assert.Null(savedBySlow);
        var stored = await Store.GetAsync();
        Assert.Equal("access-fast-secret", stored!.Token.AccessToken);
        Assert.Equal(savedByFast.Version, stored.Version);
    }

    [StoreFact]
    public async Task Lets_exactly_one_of_twenty_concurrent_writers_win_each_version()
    {
        long expected = StoredToken.NoVersion;
        for (var round = 0; round < 3; round++)
        {
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var version = expected;
            var writers = Enumerable.Range(0, 20).Select(async writer =>
            {
                await start.Task;
                return await Store.TrySaveAsync(NewToken($"r{round}-w{writer}"), version);
            }).ToList();

            start.SetResult();
            var results = await Task.WhenAll(writers);

            var winner = Assert.Single(results, r => r is not null);
            var stored = await Store.GetAsync();
            Assert.Equal(winner!.Version, stored!.Version);
            Assert.Equal(winner.Token.AccessToken, stored.Token.AccessToken);
            Assert.True(winner.Version > expected);
            expected = winner.Version;
        }
    }

    [StoreFact]
    public async Task Grants_the_lease_to_exactly_one_of_twenty_concurrent_takers()
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var takers = Enumerable.Range(0, 20).Select(async taker =>
        {
            await start.Task;
            return await Store.TryAcquireLeaseAsync($"instance-{taker}", LeaseDuration);
        }).ToList();

        start.SetResult();
        var leases = await Task.WhenAll(takers);

        Assert.Single(leases, l => l is not null);
    }
}

/// <summary>The contract for stores that persist outside the process: several instances share the data, which can be damaged.</summary>
public abstract class DurableTokenStoreContract : TokenStoreContract
{
    /// <summary>Replaces the stored token's persisted form with <paramref name="raw"/>, as damage or a foreign writer would.</summary>
    protected abstract Task WriteRawAsync(string raw);

    /// <summary>Reads the stored token's persisted form.</summary>
    protected abstract Task<string?> ReadRawAsync();

    [StoreFact]
    public async Task Shares_the_token_and_the_lease_between_instances()
    {
        var other = CreateStore();

        var saved = await Store.TrySaveAsync(NewToken("shared"), StoredToken.NoVersion);
        var lease = await Store.TryAcquireLeaseAsync("instance-a", LeaseDuration);

        var read = await other.GetAsync();
        Assert.Equal(saved!.Version, read!.Version);
        Assert.Equal("access-shared-secret", read.Token.AccessToken);
        Assert.NotNull(lease);
        Assert.Null(await other.TryAcquireLeaseAsync("instance-b", LeaseDuration));
        Assert.Null(await other.TrySaveAsync(NewToken("late"), StoredToken.NoVersion));
        var refused = await other.TryMarkRefusedAsync(saved.Version, "refused");
        Assert.Equal("refused", (await Store.GetAsync())!.Refusal);
        Assert.Equal(refused!.Version, (await Store.GetAsync())!.Version);
    }

    [StoreFact]
    public async Task Reports_corrupt_data_and_leaves_it_as_it_is()
    {
        await Store.TrySaveAsync(NewToken("good"), StoredToken.NoVersion);
        const string Corrupt = "{\"format\":1,\"access_token\":\"access-corrupt-secret\",";
        await WriteRawAsync(Corrupt);

        var error = await Assert.ThrowsAsync<TokenStoreException>(async () => await Store.GetAsync());

        Assert.DoesNotContain("access-corrupt-secret", error.ToString(), StringComparison.Ordinal);
        Assert.Equal(Corrupt, await ReadRawAsync());
        try
        {
            Assert.Null(await Store.TrySaveAsync(NewToken("over-it"), StoredToken.NoVersion));
        }
        catch (TokenStoreException)
        {
            // Refusing loudly is as good as refusing quietly; overwriting is not.
        }

        Assert.Equal(Corrupt, await ReadRawAsync());
    }
}
