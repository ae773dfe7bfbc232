using System.Data.Common;
using Keap.ServiceAccount.Hooks;
using Keap.ServiceAccount.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using MySqlConnector;
using Npgsql;

namespace Keap.ServiceAccount.Tests.Hooks;

public sealed class InMemoryHookSecretStoreTests : HookSecretStoreContract
{
    protected override bool Durable => false;

    protected override void UseTokenStore(KeapServiceAccountBuilder keap) => keap.UseInMemoryTokenStore();

    [Fact]
    public void The_default_token_store_gets_the_in_memory_secret_store() =>
        Assert.IsType<InMemoryHookSecretStore>(new ServiceCollection().AddKeapServiceAccount(_ => { }).Services.BuildServiceProvider().GetRequiredService<IKeapHookSecretStore>());
}

public sealed class FileHookSecretStoreTests : HookSecretStoreContract
{
    private readonly string _directory = Directory.CreateTempSubdirectory("keap-secret-").FullName;

    private string TokenPath => Path.Combine(_directory, "token.json");

    private string SecretPath => TokenPath + ".hook-secret";

    protected override void UseTokenStore(KeapServiceAccountBuilder keap) => keap.UseFileTokenStore(TokenPath);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task The_secret_file_lies_beside_the_token_file_readable_by_its_owner_only()
    {
        var secret = await CreateStore().GetOrCreateAsync();

        Assert.Equal(secret, File.ReadAllText(SecretPath));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(SecretPath));
        }

        // Created under the token file's lock, whose file stays as the token store's does; no temporary file is left.
        Assert.Equal([SecretPath, TokenPath + ".lock"], Directory.GetFiles(_directory).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Processes_racing_to_create_the_secret_agree_on_it_every_time()
    {
        // One race rarely loses; many in a row (each after the secret was deleted, as to rotate it) show whether
        // creating it can ever let a second secret overwrite the first after a caller was handed the first.
        for (var round = 0; round < 200; round++)
        {
            File.Delete(SecretPath);
            var stores = Enumerable.Range(0, 4).Select(_ => CreateStore()).ToArray();
            using var gate = new ManualResetEventSlim();
            var creators = stores.Select(store => Task.Run(async () =>
            {
                gate.Wait();
                return await store.GetOrCreateAsync();
            })).ToArray();
            gate.Set();
            var secrets = await Task.WhenAll(creators);

            Assert.Single(secrets.Distinct(StringComparer.Ordinal));
            Assert.Equal(secrets[0], File.ReadAllText(SecretPath));
        }
    }

    [Fact]
    public async Task Before_the_token_store_made_its_directory_the_secret_is_created_there_as_a_token_would_be()
    {
        // The token store creates a missing directory on its first use; a receiver asked before the first connect
        // (or after the directory was removed) must not answer 503 for a directory it could make.
        var tokenPath = Path.Combine(_directory, "not-yet", "token.json");

        var secret = await CreateStore(k => k.UseFileTokenStore(tokenPath)).GetOrCreateAsync();

        Assert.True(secret == File.ReadAllText(tokenPath + ".hook-secret"), "the secret returned is not the one stored");
        Assert.True(secret == await CreateStore(k => k.UseFileTokenStore(tokenPath)).GetOrCreateAsync(), "another store reads another secret");
    }

    [Fact]
    public async Task With_a_token_protector_the_secret_is_stored_protected()
    {
        var secret = await CreateStore(k => k.UseTokenProtector<ReversingProtector>()).GetOrCreateAsync();

        Assert.Equal(new ReversingProtector().Protect(secret), File.ReadAllText(SecretPath));
        Assert.Equal(secret, await CreateStore(k => k.UseTokenProtector<ReversingProtector>()).GetOrCreateAsync());
    }

    [Theory]
    [InlineData("short")]
    [InlineData("not a secret: spaces and punctuation!!")]
    [InlineData("")]
    public async Task A_secret_file_that_cannot_be_read_is_reported_and_left_as_it_is(string content)
    {
        File.WriteAllText(SecretPath, content);

        var failure = await Assert.ThrowsAsync<TokenStoreException>(async () => await CreateStore().GetOrCreateAsync());

        Assert.Contains(SecretPath, failure.Message, StringComparison.Ordinal);
        Assert.Equal(content, File.ReadAllText(SecretPath));
    }

    [Fact]
    public async Task A_secret_the_protector_cannot_read_is_reported_and_left_as_it_is()
    {
        var plain = await CreateStore().GetOrCreateAsync();

        await Assert.ThrowsAsync<TokenStoreException>(async () => await CreateStore(k => k.UseTokenProtector<ReversingProtector>()).GetOrCreateAsync());
        Assert.Equal(plain, File.ReadAllText(SecretPath));
    }

    [Fact]
    public async Task A_protector_failing_with_its_own_exception_is_reported_as_the_store_failing_and_the_secret_kept()
    {
        var plain = await CreateStore().GetOrCreateAsync();

        var failure = await Assert.ThrowsAsync<TokenStoreException>(async () => await CreateStore(k => k.UseTokenProtector<FormatFailingProtector>()).GetOrCreateAsync());

        Assert.IsType<FormatException>(failure.InnerException);
        Assert.DoesNotContain(plain, failure.Message, StringComparison.Ordinal);
        Assert.Equal(plain, File.ReadAllText(SecretPath));
    }

    /// <summary>An application's protector that fails with its own exception type rather than a CryptographicException.</summary>
    internal sealed class FormatFailingProtector : ITokenProtector
    {
        public string Protect(string plaintext) => plaintext;

        public string Unprotect(string protectedData) => throw new FormatException("not my format");
    }

    internal sealed class ReversingProtector : ITokenProtector
    {
        public string Protect(string plaintext) => "p:" + new string(plaintext.Reverse().ToArray());

        public string Unprotect(string protectedData) =>
            protectedData.StartsWith("p:", StringComparison.Ordinal) ? new string(protectedData[2..].Reverse().ToArray()) : throw new System.Security.Cryptography.CryptographicException("not protected");
    }
}

public sealed class ApplicationTokenStoreHookSecretTests
{
    [Fact]
    public void An_applications_own_token_store_without_a_secret_store_is_refused_with_what_to_do()
    {
        var services = new ServiceCollection();
        services.AddKeapServiceAccount(_ => { }).UseTokenStore(_ => new Tokens.ScriptedTokenStore(new Keap.ServiceAccount.Tokens.Stores.InMemoryTokenStore(TimeProvider.System)));
        using var container = services.BuildServiceProvider();

        var failure = Assert.Throws<InvalidOperationException>(() => container.GetRequiredService<IKeapHookSecretStore>());

        Assert.Contains("UseHookSecretStore", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UseHookSecretStore_wins_over_the_token_stores_own_whichever_comes_first()
    {
        var services = new ServiceCollection();
        services.AddKeapServiceAccount(_ => { }).UseHookSecretStore<InMemoryHookSecretStore>().UseFileTokenStore(Path.Combine(Path.GetTempPath(), "never-written.json"));
        using var container = services.BuildServiceProvider();

        Assert.IsType<InMemoryHookSecretStore>(container.GetRequiredService<IKeapHookSecretStore>());
    }

    [Fact]
    public void UseHookSecretStore_with_a_factory_serves_the_applications_store()
    {
        var mine = new InMemoryHookSecretStore();
        var services = new ServiceCollection();
        services.AddKeapServiceAccount(_ => { }).UseTokenStore(_ => new Tokens.ScriptedTokenStore(new Keap.ServiceAccount.Tokens.Stores.InMemoryTokenStore(TimeProvider.System))).UseHookSecretStore(_ => mine);
        using var container = services.BuildServiceProvider();

        Assert.Same(mine, container.GetRequiredService<IKeapHookSecretStore>());
    }
}

/// <summary>The SQL secret store's contract; subclasses give the database.</summary>
public abstract class SqlHookSecretStoreContract : HookSecretStoreContract
{
    protected abstract DbDataSource DataSource { get; }

    protected virtual string TableName { get; } = $"keap_test_{Guid.NewGuid():N}";

    protected override void UseTokenStore(KeapServiceAccountBuilder keap) => keap.UseSqlTokenStore(DataSource, o => o.TableName = TableName);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await using (var drop = DataSource.CreateCommand($"DROP TABLE IF EXISTS {TableName}"))
        {
            await drop.ExecuteNonQueryAsync();
        }

        await DataSource.DisposeAsync();
    }

    [StoreFact]
    public async Task The_secret_is_a_row_of_the_token_table_beside_the_token_and_a_corrupt_one_is_reported_and_kept()
    {
        var secret = await CreateStore().GetOrCreateAsync();
        await using (var read = DataSource.CreateCommand($"SELECT value FROM {TableName} WHERE name = 'keap.token.hook-secret'"))
        {
            Assert.Equal(secret, await read.ExecuteScalarAsync());
        }

        await using (var spoil = DataSource.CreateCommand($"UPDATE {TableName} SET value = 'not a secret!' WHERE name = 'keap.token.hook-secret'"))
        {
            await spoil.ExecuteNonQueryAsync();
        }

        await Assert.ThrowsAsync<TokenStoreException>(async () => await CreateStore().GetOrCreateAsync());
        await using (var again = DataSource.CreateCommand($"SELECT value FROM {TableName} WHERE name = 'keap.token.hook-secret'"))
        {
            Assert.Equal("not a secret!", await again.ExecuteScalarAsync());
        }
    }

    [StoreFact]
    public async Task A_secret_row_deleted_to_rotate_it_is_replaced_at_the_next_read_of_a_running_store()
    {
        var store = CreateStore();
        var old = await store.GetOrCreateAsync();
        await using (var delete = DataSource.CreateCommand($"DELETE FROM {TableName} WHERE name = 'keap.token.hook-secret'"))
        {
            await delete.ExecuteNonQueryAsync();
        }

        var rotated = await store.GetOrCreateAsync();

        // Compared without printing: a failure message would put the secret in the test output.
        Assert.False(old == rotated, "the running store still returns the deleted secret");
        Assert.True(rotated == await CreateStore().GetOrCreateAsync(), "another store reads another secret");
    }
}

public sealed class SqliteHookSecretStoreTests : SqlHookSecretStoreContract
{
    private readonly string _directory = Directory.CreateTempSubdirectory("keap-sqlite-").FullName;
    private readonly DbDataSource _dataSource;

    public SqliteHookSecretStoreTests()
    {
        _dataSource = SqliteFactory.Instance.CreateDataSource($"Data Source={Path.Combine(_directory, "tokens.db")};Default Timeout=30");
    }

    protected override DbDataSource DataSource => _dataSource;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}

[RequiresPostgres]
public sealed class PostgresHookSecretStoreTests : SqlHookSecretStoreContract
{
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(PostgresServer.ConnectionString);

    protected override DbDataSource DataSource => _dataSource;
}

[RequiresMariaDb]
public sealed class MariaDbHookSecretStoreTests : SqlHookSecretStoreContract
{
    private readonly MySqlDataSource _dataSource = new(MariaDbServer.ConnectionString);

    protected override DbDataSource DataSource => _dataSource;
}
