using Keap.ServiceAccount.Sandbox;
using Keap.ServiceAccount.Tests.Infrastructure;
using Keap.ServiceAccount.Tokens.Stores.Sql;
using Npgsql;

namespace Keap.ServiceAccount.Tests.Tokens.Farm;

/// <summary>
/// Several OS processes share one PostgreSQL token store and the sandbox's token endpoint, which rotates refresh
/// tokens and answers <c>invalid_grant</c> to a spent one.
/// </summary>
public sealed class WebFarmTests : IAsyncLifetime
{
    private const int Workers = 4;
    private const int CallersPerWorker = 50;

    private FarmEnvironment? _farm;
    private NpgsqlDataSource? _dataSource;
    private SqlTokenStore? _store;

    private FarmEnvironment Farm => _farm!;

    private KeapSandboxServer Sandbox => Farm.Sandbox;

    private SqlTokenStore Store => _store!;

    public async Task InitializeAsync()
    {
        _farm = await FarmEnvironment.StartAsync();
        if (_farm is not null)
        {
            _dataSource = NpgsqlDataSource.Create(PostgresServer.ConnectionString);
            _store = new SqlTokenStore(_dataSource, new SqlTokenStoreOptions { TableName = _farm.Table }, TimeProvider.System, protector: null);
        }
    }

    public async Task DisposeAsync()
    {
        if (_farm is not null)
        {
            await _dataSource!.DisposeAsync();
            await _farm.DisposeAsync();
        }
    }

    [PostgresFact]
    public async Task Four_processes_with_fifty_callers_each_refresh_once_per_expiry()
    {
        await Farm.SeedExpiredTokenAsync(Store);
        var workers = await Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => StartWorkerAsync()));
        try
        {
            // First expiry: every process finds the stored token expired on its first call.
            var first = await Task.WhenAll(workers.Select(w => w.GetAsync(CallersPerWorker)));
            await AssertEveryCallerGotTheStoredTokenAsync(first);
            Assert.Equal(1, Sandbox.State.Refreshes);

            // Four more: the test expires the stored token, and every caller in every process has it rejected at once (a 401).
            for (var expiry = 2; expiry <= 5; expiry++)
            {
                var expired = await ExpireStoredTokenAsync();
                var results = await Task.WhenAll(workers.Select(w => w.RejectAsync(CallersPerWorker, expired.AccessToken)));

                await AssertEveryCallerGotTheStoredTokenAsync(results);
                Assert.Equal(expiry, Sandbox.State.Refreshes);
            }

            Assert.Equal(0, Sandbox.State.InvalidGrants);
        }
        finally
        {
            foreach (var worker in workers)
            {
                await worker.DisposeAsync();
            }
        }
    }

    [PostgresFact]
    public async Task Another_process_takes_over_after_the_lease_holder_is_killed()
    {
        var seeded = await Farm.SeedExpiredTokenAsync(Store);
        await using var doomed = await StartWorkerAsync("--lease-seconds", "6");
        await using var survivor = await StartWorkerAsync("--lease-seconds", "6");

        await doomed.HoldLeaseAsync();
        await doomed.KillAsync();
        var results = await survivor.GetAsync(5);

        var stored = await Store.GetAsync();
        Assert.All(results, line => Assert.Equal($"token {stored!.Token.AccessToken}", line));
        Assert.NotEqual(seeded.Token.AccessToken, stored!.Token.AccessToken);
        Assert.True(stored.Token.AccessTokenExpiresAt > TimeProvider.System.GetUtcNow());
        Assert.Equal(1, Sandbox.State.Refreshes);
        Assert.Equal(0, Sandbox.State.InvalidGrants);
    }

    private Task<TestWorkerProcess> StartWorkerAsync(params string[] extra) => TestWorkerProcess.StartAsync(
        [
            "--store", "postgres",
            "--connection", PostgresServer.ConnectionString,
            "--table", Farm.Table,
            "--token-endpoint", Sandbox.TokenEndpoint.AbsoluteUri,
            "--client-id", FarmEnvironment.ClientId,
            "--client-secret", FarmEnvironment.ClientSecret,
            .. extra,
        ]);

    /// <summary>Writes the current token back, through the store's compare-and-swap, with its access token expired.</summary>
    private async Task<KeapToken> ExpireStoredTokenAsync()
    {
        var current = (await Store.GetAsync())!;
        var token = current.Token;
        var expired = new KeapToken(token.AccessToken, token.RefreshToken, TimeProvider.System.GetUtcNow().AddMinutes(-1), token.RefreshTokenIssuedAt, token.Scope);
        Assert.NotNull(await Store.TrySaveAsync(expired, current.Version));
        return expired;
    }

    private async Task AssertEveryCallerGotTheStoredTokenAsync(List<string>[] results)
    {
        var stored = (await Store.GetAsync())!.Token.AccessToken;
        Assert.All(results, r => Assert.Equal(CallersPerWorker, r.Count));
        Assert.All(results.SelectMany(r => r), line => Assert.Equal($"token {stored}", line));
    }
}
