using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Keap.ServiceAccount.Tests.Tokens.Stores.Sql;

public sealed class SqliteTokenStoreContractTests : SqlTokenStoreContract
{
    private readonly string _directory = Directory.CreateTempSubdirectory("keap-sqlite-").FullName;
    private readonly DbDataSource _dataSource;

    public SqliteTokenStoreContractTests()
    {
        _dataSource = SqliteFactory.Instance.CreateDataSource($"Data Source={Path.Combine(_directory, "tokens.db")}");
    }

    protected override DbDataSource DataSource => _dataSource;

    protected override string TableName => "system_settings";

    public override async Task DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
