using System.Data.Common;
using Keap.ServiceAccount.Tokens.Stores.Sql;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Keap.ServiceAccount.Tests.Tokens.Stores.Sql;

/// <summary>What the SQL store adds to the contract: registration, supported providers, the start-up check, options and protection at rest.</summary>
public sealed class SqlTokenStoreTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("keap-sqlite-").FullName;
    private readonly DbDataSource _dataSource;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 8, 0, 0, TimeSpan.Zero));

    public SqlTokenStoreTests()
    {
        _dataSource = SqliteFactory.Instance.CreateDataSource($"Data Source={Path.Combine(_directory, "app.db")}");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Theory]
    [InlineData("")]
    [InlineData("settings; DROP TABLE users")]
    [InlineData("\"quoted\"")]
    [InlineData("a.b.c")]
    [InlineData("1settings")]
    [InlineData("settings\n")]
    [InlineData("app.settings\n")]
    public void Rejects_a_table_name_that_is_not_a_plain_identifier(string tableName)
    {
        var builder = new ServiceCollection().AddKeapServiceAccount(_ => { });

        var error = Assert.Throws<ArgumentException>(() => builder.UseSqlTokenStore(_dataSource, o => o.TableName = tableName));

        Assert.Contains(nameof(SqlTokenStoreOptions.TableName), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_an_empty_token_key()
    {
        var builder = new ServiceCollection().AddKeapServiceAccount(_ => { });

        var error = Assert.Throws<ArgumentException>(() => builder.UseSqlTokenStore(_dataSource, o => o.TokenKey = " "));

        Assert.Contains(nameof(SqlTokenStoreOptions.TokenKey), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Registers_a_store_that_protects_the_token_with_the_registered_protector()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_time);
        services.AddSingleton<ITokenProtector, PrefixProtector>();
        services.AddKeapServiceAccount(_ => { }).UseSqlTokenStore(_ => _dataSource, o => o.TableName = "app_settings");
        await using var provider = services.BuildServiceProvider();

        var store = provider.GetRequiredService<ITokenStore>();
        await store.TrySaveAsync(Token("protected"), StoredToken.NoVersion);

        Assert.IsType<SqlTokenStore>(store);
        var raw = await ReadValueAsync("app_settings", SqlTokenStoreOptions.DefaultTokenKey);
        Assert.StartsWith(PrefixProtector.Prefix, raw, StringComparison.Ordinal);
        Assert.DoesNotContain("refresh-protected-secret", raw, StringComparison.Ordinal);
        Assert.Equal("refresh-protected-secret", (await store.GetAsync())!.Token.RefreshToken);
    }

    [Fact]
    public async Task Reports_a_row_it_cannot_unprotect_and_leaves_it_as_it_is()
    {
        var plain = new SqlTokenStore(_dataSource, new SqlTokenStoreOptions(), _time, protector: null);
        await plain.TrySaveAsync(Token("plain"), StoredToken.NoVersion);
        var before = await ReadValueAsync(SqlTokenStoreOptions.DefaultTableName, SqlTokenStoreOptions.DefaultTokenKey);
        var protectedStore = new SqlTokenStore(_dataSource, new SqlTokenStoreOptions(), _time, new PrefixProtector());

        var error = await Assert.ThrowsAsync<TokenStoreException>(async () => await protectedStore.GetAsync());

        Assert.Contains("cannot be unprotected", error.Message, StringComparison.Ordinal);
        Assert.Contains(SqlTokenStoreOptions.DefaultTableName, error.Message, StringComparison.Ordinal);
        Assert.Equal(before, await ReadValueAsync(SqlTokenStoreOptions.DefaultTableName, SqlTokenStoreOptions.DefaultTokenKey));
    }

    [Fact]
    public async Task Keeps_two_connections_apart_in_one_table_by_token_key()
    {
        var first = new SqlTokenStore(_dataSource, new SqlTokenStoreOptions { TokenKey = "keap.first" }, _time, protector: null);
        var second = new SqlTokenStore(_dataSource, new SqlTokenStoreOptions { TokenKey = "keap.second" }, _time, protector: null);

        await first.TrySaveAsync(Token("first"), StoredToken.NoVersion);
        var lease = await first.TryAcquireLeaseAsync("instance-a", TimeSpan.FromMinutes(1));

        Assert.Null(await second.GetAsync());
        Assert.NotNull(lease);
        Assert.NotNull(await second.TryAcquireLeaseAsync("instance-b", TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task Reports_a_missing_table_clearly_when_it_may_not_create_it()
    {
        var store = new SqlTokenStore(_dataSource, new SqlTokenStoreOptions { CreateTableIfMissing = false }, _time, protector: null);

        var error = await Assert.ThrowsAsync<TokenStoreException>(async () => await store.GetAsync());

        Assert.Contains("could not read the token in table system_settings", error.Message, StringComparison.Ordinal);
        Assert.IsType<SqliteException>(error.InnerException);
    }

    [Fact]
    public void Refuses_a_provider_it_does_not_speak_when_registered_naming_it()
    {
        using var sqlServer = SqlClientFactory.Instance.CreateDataSource("Server=127.0.0.1;Database=app;User ID=app;Password=pw-not-in-the-error");
        var builder = new ServiceCollection().AddKeapServiceAccount(_ => { });

        var error = Assert.Throws<NotSupportedException>(() => builder.UseSqlTokenStore(sqlServer));

        Assert.Contains("does not support the ADO.NET provider Microsoft.Data.SqlClient (SqlConnection)", error.Message, StringComparison.Ordinal);
        Assert.Contains("PostgreSQL through Npgsql, SQLite through Microsoft.Data.Sqlite, MySQL/MariaDB through MySqlConnector", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("pw-not-in-the-error", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refuses_a_provider_it_does_not_speak_at_start_up_when_the_container_supplies_it()
    {
        using var sqlServer = SqlClientFactory.Instance.CreateDataSource("Server=127.0.0.1;Database=app;Integrated Security=true");
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddKeapServiceAccount(o => o.ServiceAccountKey = "KeapAK-SECRET").UseSqlTokenStore(_ => sqlServer);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<NotSupportedException>(() => host.StartAsync());

        Assert.Contains("Microsoft.Data.SqlClient", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stops_start_up_naming_the_columns_of_an_existing_table_that_does_not_fit()
    {
        await using (var create = _dataSource.CreateCommand("CREATE TABLE system_settings (key TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL)"))
        {
            await create.ExecuteNonQueryAsync();
        }

        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddKeapServiceAccount(o => o.ServiceAccountKey = "KeapAK-SECRET").UseSqlTokenStore(_dataSource);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<TokenStoreException>(() => host.StartAsync());

        Assert.Contains("cannot use the existing table system_settings: it has no column 'name'", error.Message, StringComparison.Ordinal);
        Assert.Contains("column 'value' does not allow NULL", error.Message, StringComparison.Ordinal);
        Assert.Contains("no column 'version'", error.Message, StringComparison.Ordinal);
        Assert.Contains("the SQLite script in docs/sql-token-store.md", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Creates_and_checks_the_table_at_start_up()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddKeapServiceAccount(o => o.ServiceAccountKey = "KeapAK-SECRET").UseSqlTokenStore(_dataSource);
        using var host = builder.Build();

        await host.StartAsync();
        await host.StopAsync();

        await using var columns = _dataSource.CreateCommand("SELECT COUNT(*) FROM pragma_table_info('system_settings')");
        Assert.Equal(5L, await columns.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Starts_when_the_database_cannot_be_reached_and_logs_that_the_check_waits_for_first_use()
    {
        await using var unreachable = SqliteFactory.Instance.CreateDataSource($"Data Source={Path.Combine(_directory, "missing", "app.db")}");
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddFakeLogging();
        builder.Services.AddKeapServiceAccount(o => o.ServiceAccountKey = "KeapAK-SECRET").UseSqlTokenStore(unreachable);
        using var host = builder.Build();

        await host.StartAsync();
        await host.StopAsync();

        var deferred = Assert.Single(host.Services.GetRequiredService<FakeLogCollector>().GetSnapshot(), r => r.Id.Name == "StoreCheckDeferred");
        Assert.IsType<TokenStoreException>(deferred.Exception);
        Assert.IsType<SqliteException>(deferred.Exception.InnerException);
    }

    private KeapToken Token(string name) => new(
        $"access-{name}-secret", $"refresh-{name}-secret", _time.GetUtcNow().AddHours(24), _time.GetUtcNow(), "full|ab123.infusionsoft.com");

    private async Task<string> ReadValueAsync(string table, string name)
    {
        await using var command = _dataSource.CreateCommand($"SELECT value FROM {table} WHERE name = $name");
        command.Parameters.Add(new SqliteParameter("$name", name));
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private sealed class PrefixProtector : ITokenProtector
    {
        public const string Prefix = "protected:";

        public string Protect(string plaintext) => Prefix + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(plaintext));

        public string Unprotect(string protectedData) => protectedData.StartsWith(Prefix, StringComparison.Ordinal)
            ? System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(protectedData[Prefix.Length..]))
            : throw new System.Security.Cryptography.CryptographicException("Not protected with this key.");
    }
}
