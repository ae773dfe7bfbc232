using System.Data.Common;
using System.Globalization;
using System.Runtime.ExceptionServices;

namespace Keap.ServiceAccount.Tokens.Stores.Sql;

/// <summary>Runs the store's statements over plain ADO.NET, every value as a parameter.</summary>
internal static class SqlCommands
{
    public static async Task<int> ExecuteAsync(DbConnection connection, string sql, (string Name, object Value)[] parameters, CancellationToken cancellationToken)
    {
        var command = Create(connection, sql, parameters);
        await using (command.ConfigureAwait(false))
        {
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Inserts a row whose <c>@name</c> is a parameter; <see langword="false"/> when another writer inserted it first,
    /// as <paramref name="rowExistsSql"/> (counting rows by <c>@name</c>) then shows.
    /// </summary>
    public static async Task<bool> TryInsertRowAsync(DbConnection connection, string insertSql, string rowExistsSql, (string Name, object Value)[] parameters, CancellationToken cancellationToken)
    {
        DbException? conflict;
        try
        {
            await ExecuteAsync(connection, insertSql, parameters, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (DbException ex)
        {
            conflict = ex;
        }

        // Providers report a duplicate key differently; the row appearing meanwhile is the portable sign that another writer won.
        var name = parameters.Single(p => p.Name == "@name");
        var existing = Create(connection, rowExistsSql, [name]);
        await using (existing.ConfigureAwait(false))
        {
            if (Convert.ToInt64(await existing.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) > 0)
            {
                return false;
            }
        }

        ExceptionDispatchInfo.Throw(conflict);
        return false;
    }

    public static DbCommand Create(DbConnection connection, string sql, (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
#pragma warning disable CA2100 // Only the validated table name is interpolated; values are parameters.
        command.CommandText = sql;
#pragma warning restore CA2100
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        return command;
    }
}
