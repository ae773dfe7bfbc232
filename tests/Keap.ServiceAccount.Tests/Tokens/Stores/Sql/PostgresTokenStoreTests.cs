using Keap.ServiceAccount.Tests.Infrastructure;
using Keap.ServiceAccount.Tokens.Stores.Sql;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Keap.ServiceAccount.Tests.Tokens.Stores.Sql;

/// <summary>The SQL store against a real PostgreSQL server that goes away and comes back.</summary>
public sealed class PostgresTokenStoreTests : IAsyncLifetime
{
    private readonly string _table = $"keap_test_{Guid.NewGuid():N}";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 8, 0, 0, TimeSpan.Zero));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (PostgresServer.SkipReason is null)
        {
            await using var dataSource = NpgsqlDataSource.Create(PostgresServer.ConnectionString);
            await using var drop = dataSource.CreateCommand($"DROP TABLE IF EXISTS {_table}");
            await drop.ExecuteNonQueryAsync();
        }
    }

    [PostgresFact]
    public async Task Reports_the_database_down_clearly_and_recovers_when_it_returns()
    {
        var server = new NpgsqlConnectionStringBuilder(PostgresServer.ConnectionString);
        await using var proxy = new TcpProxy(server.Host!, server.Port);
        var viaProxy = new NpgsqlConnectionStringBuilder(PostgresServer.ConnectionString) { Host = "127.0.0.1", Port = proxy.Port, Timeout = 3 };
        await using var dataSource = NpgsqlDataSource.Create(viaProxy.ConnectionString);
        var store = new SqlTokenStore(dataSource, new SqlTokenStoreOptions { TableName = _table }, _time, protector: null);
        var saved = await store.TrySaveAsync(Token("before"), StoredToken.NoVersion);

        proxy.Cut();
        var readError = await Assert.ThrowsAsync<TokenStoreException>(async () => await store.GetAsync());
        var saveError = await Assert.ThrowsAsync<TokenStoreException>(async () => await store.TrySaveAsync(Token("during"), saved!.Version));
        var leaseError = await Assert.ThrowsAsync<TokenStoreException>(async () => await store.TryAcquireLeaseAsync("instance-a", TimeSpan.FromMinutes(1)));
        proxy.Restore();
        var afterwards = await store.GetAsync();

        Assert.Contains($"could not read the token in table {_table}", readError.Message, StringComparison.Ordinal);
        Assert.Contains("could not save the token", saveError.Message, StringComparison.Ordinal);
        Assert.Contains("could not take the refresh lease", leaseError.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<NpgsqlException>(readError.InnerException);
        foreach (var error in new[] { readError, saveError, leaseError })
        {
            Assert.DoesNotContain("-secret", error.ToString(), StringComparison.Ordinal);
        }

        Assert.Equal(saved!.Version, afterwards!.Version);
        Assert.Equal("access-before-secret", afterwards.Token.AccessToken);
        Assert.NotNull(await store.TrySaveAsync(Token("after"), afterwards.Version));
    }

    [PostgresFact]
    public async Task Keeps_the_connection_string_password_out_of_the_error_when_the_server_is_unreachable()
    {
        const string Password = "pw-that-must-not-leak-7f3a";
        await using var proxy = new TcpProxy("127.0.0.1", 1);
        proxy.Cut();
        var unreachable = new NpgsqlConnectionStringBuilder(PostgresServer.ConnectionString) { Host = "127.0.0.1", Port = proxy.Port, Password = Password, Timeout = 2 };
        await using var dataSource = NpgsqlDataSource.Create(unreachable.ConnectionString);
        var store = new SqlTokenStore(dataSource, new SqlTokenStoreOptions { TableName = _table }, _time, protector: null);

        var error = await Assert.ThrowsAsync<TokenStoreException>(async () => await store.TrySaveAsync(Token("x"), StoredToken.NoVersion));

        Assert.Contains("could not save the token", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, error.ToString(), StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task Creates_the_table_once_when_several_instances_start_together()
    {
        var dataSources = Enumerable.Range(0, 4).Select(_ => NpgsqlDataSource.Create(PostgresServer.ConnectionString)).ToList();
        try
        {
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var instances = dataSources.Select(async (dataSource, i) =>
            {
                var store = new SqlTokenStore(dataSource, new SqlTokenStoreOptions { TableName = _table }, _time, protector: null);
                await start.Task;
                return await store.TryAcquireLeaseAsync($"instance-{i}", TimeSpan.FromMinutes(1));
            }).ToList();

            start.SetResult();
            var leases = await Task.WhenAll(instances);

            Assert.Single(leases, l => l is not null);
        }
        finally
        {
            foreach (var dataSource in dataSources)
            {
                await dataSource.DisposeAsync();
            }
        }
    }

    [PostgresFact]
    public async Task Names_a_name_column_too_short_for_the_lease_row_of_the_configured_token_key()
    {
        // 'keap.marketing.account' (22) fits in 25 characters; its lease row 'keap.marketing.account.lease' (28) does not.
        await using var dataSource = NpgsqlDataSource.Create(PostgresServer.ConnectionString);
        await using (var create = dataSource.CreateCommand($"CREATE TABLE {_table} (name VARCHAR(25) NOT NULL PRIMARY KEY, value TEXT NULL, version BIGINT NOT NULL, owner VARCHAR(200) NULL, expires_at BIGINT NULL)"))
        {
            await create.ExecuteNonQueryAsync();
        }

        var store = new SqlTokenStore(dataSource, new SqlTokenStoreOptions { TableName = _table, TokenKey = "keap.marketing.account" }, _time, protector: null);

        var error = await Assert.ThrowsAsync<TokenStoreException>(async () => await store.EnsureReadyAsync(CancellationToken.None));

        Assert.Contains("column 'name' holds at most 25 characters, but the row 'keap.marketing.account.lease' needs 28", error.Message, StringComparison.Ordinal);
    }

    private KeapToken Token(string name) => new(
        $"access-{name}-secret", $"refresh-{name}-secret", _time.GetUtcNow().AddHours(24), _time.GetUtcNow(), "full|ab123.infusionsoft.com");
}
