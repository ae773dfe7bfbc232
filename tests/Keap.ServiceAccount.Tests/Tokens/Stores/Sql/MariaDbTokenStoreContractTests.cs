using System.Data.Common;
using Keap.ServiceAccount.Tests.Infrastructure;
using MySqlConnector;

namespace Keap.ServiceAccount.Tests.Tokens.Stores.Sql;

/// <summary>The store contract on a real MariaDB server through MySqlConnector (the MySQL/MariaDB dialect).</summary>
[RequiresMariaDb]
public sealed class MariaDbTokenStoreContractTests : SqlTokenStoreContract
{
    private readonly MySqlDataSource _dataSource = new(MariaDbServer.ConnectionString);

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
