using System.Data.Common;
using Keap.ServiceAccount.Tokens.Stores.Sql;

namespace Keap.ServiceAccount.Tests.Tokens.Stores.Sql;

/// <summary>The store contract over a SQL database; subclasses provide the database and clean it up.</summary>
public abstract class SqlTokenStoreContract : DurableTokenStoreContract
{
    protected abstract DbDataSource DataSource { get; }

    protected abstract string TableName { get; }

    protected override ITokenStore CreateStore() =>
        new SqlTokenStore(DataSource, new SqlTokenStoreOptions { TableName = TableName }, Time, protector: null);

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

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
