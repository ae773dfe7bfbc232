using System.Data.Common;
using Keap.ServiceAccount.Tests.Infrastructure;
using Npgsql;

namespace Keap.ServiceAccount.Tests.Tokens.Stores.Sql;

[RequiresPostgres]
public sealed class PostgresTokenStoreContractTests : SqlTokenStoreContract
{
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(PostgresServer.ConnectionString);

    protected override DbDataSource DataSource => _dataSource;

    // A table per test, so tests and parallel runs never share state.
    protected override string TableName { get; } = $"keap_test_{Guid.NewGuid():N}";

    public override async Task DisposeAsync()
    {
        await using (var drop = _dataSource.CreateCommand($"DROP TABLE IF EXISTS {TableName}"))
        {
            await drop.ExecuteNonQueryAsync();
        }

        await _dataSource.DisposeAsync();
    }
}
