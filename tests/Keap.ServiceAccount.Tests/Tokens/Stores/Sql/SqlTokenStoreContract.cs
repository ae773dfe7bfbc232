using System.Data.Common;
using Keap.ServiceAccount.Tests.Infrastructure;
using Keap.ServiceAccount.Tokens.Stores.Sql;
using Microsoft.Extensions.Time.Testing;

namespace Keap.ServiceAccount.Tests.Tokens.Stores.Sql;

/// <summary>
/// The store contract over a SQL database, plus what every dialect must do with the table itself; subclasses provide
/// the database and clean it up.
/// </summary>
public abstract class SqlTokenStoreContract : DurableTokenStoreContract
{
    protected abstract DbDataSource DataSource { get; }

    protected abstract string TableName { get; }

    /// <summary>How far apart the instances' clocks are in the skew tests, as in a farm whose clocks drift.</summary>
    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(300);

    protected override ITokenStore CreateStore() => CreateStore(createTableIfMissing: true);

    /// <summary>
    /// The store compares leases with the database's own clock, which a test cannot move: moving every lease expiry
    /// back by <paramref name="by"/> is the same, for each comparison the store makes, as the database's clock moving on.
    /// </summary>
    protected override async Task AdvanceAsync(TimeSpan by)
    {
        await base.AdvanceAsync(by);
        await AdvanceDatabaseOnlyAsync(by);
    }

    /// <summary>Moves the database's clock on while every instance's clock stands still.</summary>
    private async Task AdvanceDatabaseOnlyAsync(TimeSpan by)
    {
        await using var command = DataSource.CreateCommand($"UPDATE {TableName} SET expires_at = expires_at - @by WHERE name = @name AND expires_at IS NOT NULL");
        AddParameter(command, "@by", (long)by.TotalMilliseconds);
        AddParameter(command, "@name", new SqlTokenStoreOptions().LeaseKey);
        await command.ExecuteNonQueryAsync();
    }

    [StoreFact]
    public async Task An_instance_whose_clock_runs_ahead_cannot_take_a_live_lease_which_expires_on_the_databases_clock()
    {
        var ahead = new FakeTimeProvider(Time.GetUtcNow() + Skew);

        var (held, whileHeld, justBeforeExpiry, afterExpiry) = await ContendAsync(holder: Store, taker: CreateStore(ahead));

        Assert.NotNull(held);
        Assert.Null(whileHeld);
        Assert.Null(justBeforeExpiry);
        Assert.NotNull(afterExpiry);
        Assert.Equal(ahead.GetUtcNow() + LeaseDuration, afterExpiry.ExpiresAt);
        Assert.Null(await Store.TryAcquireLeaseAsync("holder", LeaseDuration));
    }

    [StoreFact]
    public async Task An_instance_whose_clock_runs_behind_cannot_take_a_live_lease_which_expires_on_the_databases_clock()
    {
        // The holder's clock runs ahead this time, so it would write an expiry far in the others' future.
        var ahead = new FakeTimeProvider(Time.GetUtcNow() + Skew);

        var (held, whileHeld, justBeforeExpiry, afterExpiry) = await ContendAsync(holder: CreateStore(ahead), taker: Store);

        Assert.NotNull(held);
        Assert.Equal(ahead.GetUtcNow() + LeaseDuration, held.ExpiresAt);
        Assert.Null(whileHeld);
        Assert.Null(justBeforeExpiry);
        Assert.NotNull(afterExpiry);
        Assert.Equal(Time.GetUtcNow() + LeaseDuration, afterExpiry.ExpiresAt);
    }

    [StoreFact]
    public async Task Frees_a_short_lease_when_the_databases_own_clock_passes_its_expiry()
    {
        // No test clock moves here: only the database's real clock can free the lease.
        var ahead = new FakeTimeProvider(Time.GetUtcNow() + Skew);
        var holder = CreateStore(ahead);
        var held = await holder.TryAcquireLeaseAsync("instance-ahead", TimeSpan.FromMilliseconds(50));

        var taken = await Eventually.ValueAsync(
            "another instance takes the lease once the database's clock passes its expiry",
            async () => await Store.TryAcquireLeaseAsync("instance-b", LeaseDuration),
            lease => lease is not null);

        Assert.NotNull(held);
        Assert.NotNull(taken);
    }

    [StoreFact]
    public async Task Works_on_a_table_created_with_the_documented_script_for_its_database()
    {
        var dialect = SqlDialect.For(DataSource);
        var documented = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "docs", "sql-token-store.md"));
        Assert.Contains(WithoutWhiteSpace(dialect.CreateTableScript(SqlTokenStoreOptions.DefaultTableName)), WithoutWhiteSpace(documented), StringComparison.Ordinal);
        await ExecuteAsync(dialect.CreateTableScript(TableName));
        var store = CreateStore(createTableIfMissing: false);

        var saved = await store.TrySaveAsync(NewToken("scripted"), StoredToken.NoVersion);
        var lease = await store.TryAcquireLeaseAsync("instance-a", LeaseDuration);

        Assert.NotNull(saved);
        Assert.NotNull(lease);
        Assert.Equal(saved.Version, (await store.GetAsync())!.Version);
    }

    [StoreFact]
    public async Task Names_every_column_that_does_not_fit_in_an_existing_table_of_the_same_name()
    {
        // An application's own settings table that happens to have the default name.
        await ExecuteAsync($"CREATE TABLE {TableName} (setting_key VARCHAR(100) NOT NULL PRIMARY KEY, value TEXT NOT NULL, version VARCHAR(20) NOT NULL, expires_at BIGINT NULL)");
        await ExecuteAsync($"INSERT INTO {TableName} (setting_key, value, version) VALUES ('theme', 'dark', '3')");

        var error = await Assert.ThrowsAsync<TokenStoreException>(async () => await Store.GetAsync());

        Assert.Contains($"cannot use the existing table {TableName}", error.Message, StringComparison.Ordinal);
        Assert.Contains("no column 'name'", error.Message, StringComparison.Ordinal);
        Assert.Contains("column 'value' does not allow NULL", error.Message, StringComparison.Ordinal);
        Assert.Contains("column 'version' is ", error.Message, StringComparison.Ordinal);
        Assert.Contains("not 64-bit integer (BIGINT)", error.Message, StringComparison.Ordinal);
        Assert.Contains("no column 'owner'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("expires_at", error.Message, StringComparison.Ordinal);
        Assert.Contains($"the {SqlDialect.For(DataSource).Name} script in docs/sql-token-store.md", error.Message, StringComparison.Ordinal);
        Assert.Equal(1L, Convert.ToInt64(await ScalarAsync($"SELECT COUNT(*) FROM {TableName}"), System.Globalization.CultureInfo.InvariantCulture));
    }

    [StoreFact]
    public async Task Refuses_a_table_whose_name_column_does_not_keep_rows_apart()
    {
        await ExecuteAsync($"CREATE TABLE {TableName} (name VARCHAR(200) NOT NULL, value TEXT NULL, version BIGINT NOT NULL, owner VARCHAR(200) NULL, expires_at BIGINT NULL)");

        var error = await Assert.ThrowsAsync<TokenStoreException>(async () => await Store.TryAcquireLeaseAsync("instance-a", LeaseDuration));

        Assert.Contains("column 'name' is neither the primary key nor unique", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("'value'", error.Message, StringComparison.Ordinal);
    }

    [StoreFact]
    public async Task Names_an_extra_column_that_requires_a_value_the_store_never_writes()
    {
        await ExecuteAsync($"CREATE TABLE {TableName} (name VARCHAR(200) NOT NULL PRIMARY KEY, value TEXT NULL, version BIGINT NOT NULL, owner VARCHAR(200) NULL, expires_at BIGINT NULL, tenant VARCHAR(20) NOT NULL, note VARCHAR(20) NOT NULL DEFAULT 'x')");

        var error = await Assert.ThrowsAsync<TokenStoreException>(async () => await Store.GetAsync());

        Assert.Contains("column 'tenant' is NOT NULL without a default, so the store's inserts (which leave it out) would fail; give it a default or allow NULL", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("'note'", error.Message, StringComparison.Ordinal);
    }

    [StoreFact]
    public async Task Names_a_composite_primary_key_that_contains_name()
    {
        await ExecuteAsync($"CREATE TABLE {TableName} (name VARCHAR(200) NOT NULL, value TEXT NULL, version BIGINT NOT NULL, owner VARCHAR(200) NULL, expires_at BIGINT NULL, tenant VARCHAR(20) NOT NULL DEFAULT 'a', PRIMARY KEY (name, tenant))");

        var error = await Assert.ThrowsAsync<TokenStoreException>(async () => await Store.GetAsync());

        Assert.Contains("column 'name' is only part of a key with other columns (tenant); it must be the primary key on its own or unique on its own", error.Message, StringComparison.Ordinal);
    }

    [StoreFact]
    public async Task Names_a_name_column_too_short_for_the_lease_row()
    {
        // Long enough for 'keap.token' but not for 'keap.token.lease'.
        await ExecuteAsync($"CREATE TABLE {TableName} (name VARCHAR(12) NOT NULL PRIMARY KEY, value TEXT NULL, version BIGINT NOT NULL, owner VARCHAR(200) NULL, expires_at BIGINT NULL)");
        var dialect = SqlDialect.For(DataSource);

        var error = await Record.ExceptionAsync(async () => await Store.GetAsync());

        if (dialect == SqlDialect.Sqlite)
        {
            // SQLite does not enforce declared lengths, so the row names fit.
            Assert.Null(error);
            return;
        }

        var refused = Assert.IsType<TokenStoreException>(error);
        Assert.Contains("column 'name' holds at most 12 characters, but the row 'keap.token.lease' needs 16", refused.Message, StringComparison.Ordinal);
    }

    [StoreFact]
    public async Task Names_a_value_column_too_short_for_a_token()
    {
        await ExecuteAsync($"CREATE TABLE {TableName} (name VARCHAR(200) NOT NULL PRIMARY KEY, value VARCHAR(50) NULL, version BIGINT NOT NULL, owner VARCHAR(200) NULL, expires_at BIGINT NULL)");
        var dialect = SqlDialect.For(DataSource);

        var error = await Record.ExceptionAsync(async () => await Store.TrySaveAsync(NewToken("long"), StoredToken.NoVersion));

        if (dialect == SqlDialect.Sqlite)
        {
            Assert.Null(error);
            return;
        }

        var refused = Assert.IsType<TokenStoreException>(error);
        Assert.Contains("column 'value' holds at most 50 characters; a token needs a text type (TEXT) or at least 4000 characters", refused.Message, StringComparison.Ordinal);
    }

    protected override async Task WriteRawAsync(string raw)
    {
        await using var command = DataSource.CreateCommand($"UPDATE {TableName} SET value = @value WHERE name = @name");
        AddParameter(command, "@value", raw);
        AddParameter(command, "@name", SqlTokenStoreOptions.DefaultTokenKey);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    protected override async Task<string?> ReadRawAsync()
    {
        await using var command = DataSource.CreateCommand($"SELECT value FROM {TableName} WHERE name = @name");
        AddParameter(command, "@name", SqlTokenStoreOptions.DefaultTokenKey);
        return await command.ExecuteScalarAsync() as string;
    }

    private SqlTokenStore CreateStore(bool createTableIfMissing) =>
        new(DataSource, new SqlTokenStoreOptions { TableName = TableName, CreateTableIfMissing = createTableIfMissing }, Time, protector: null);

    /// <summary>
    /// <paramref name="holder"/> takes the lease; <paramref name="taker"/> tries while it is live, a second before it
    /// ends and when it has ended, all on the database's clock (the instances' clocks stand still).
    /// </summary>
    private async Task<(TokenLease? Held, TokenLease? WhileHeld, TokenLease? JustBeforeExpiry, TokenLease? AfterExpiry)> ContendAsync(ITokenStore holder, ITokenStore taker)
    {
        var held = await holder.TryAcquireLeaseAsync("holder", LeaseDuration);
        var whileHeld = await taker.TryAcquireLeaseAsync("taker", LeaseDuration);
        await AdvanceDatabaseOnlyAsync(LeaseDuration - TimeSpan.FromSeconds(1));
        var justBeforeExpiry = await taker.TryAcquireLeaseAsync("taker", LeaseDuration);
        await AdvanceDatabaseOnlyAsync(TimeSpan.FromSeconds(1));
        return (held, whileHeld, justBeforeExpiry, await taker.TryAcquireLeaseAsync("taker", LeaseDuration));
    }

    private SqlTokenStore CreateStore(TimeProvider clock) =>
        new(DataSource, new SqlTokenStoreOptions { TableName = TableName }, clock, protector: null);

    private async Task ExecuteAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        return await command.ExecuteScalarAsync();
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private static string WithoutWhiteSpace(string text) => string.Concat(text.Where(c => !char.IsWhiteSpace(c)));

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Keap.ServiceAccount.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("The repository root was not found above the test binaries.");
    }
}
