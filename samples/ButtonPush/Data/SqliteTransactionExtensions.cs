using Microsoft.Data.Sqlite;

namespace ButtonPush.Data;

/// <summary>Runs one statement inside an open transaction, so changes that belong together commit together.</summary>
internal static class SqliteTransactionExtensions
{
    public static async Task<int> ExecuteAsync(this SqliteTransaction transaction, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
