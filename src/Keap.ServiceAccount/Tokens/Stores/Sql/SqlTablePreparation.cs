using System.Data;
using System.Data.Common;

namespace Keap.ServiceAccount.Tokens.Stores.Sql;

/// <summary>
/// Makes the table ready once per store: creates it when allowed, then checks that its columns fit. A failed attempt
/// (database down, wrong table) is tried again by the next call.
/// </summary>
internal sealed class SqlTablePreparation(DbDataSource dataSource, SqlTokenStoreOptions options, SqlDialect dialect, SqlStatements sql)
{
    private readonly Lock _gate = new();
    private Task? _ready;

    /// <summary>Waits for the table to be ready, starting the preparation when none ran or the last one failed.</summary>
    /// <exception cref="TokenStoreException">The table does not fit; the message says how.</exception>
    /// <exception cref="DbException">The database failed.</exception>
    public Task EnsureAsync(CancellationToken cancellationToken)
    {
        Task ready;
        lock (_gate)
        {
            if (_ready is null || _ready.IsFaulted || _ready.IsCanceled)
            {
                _ready = PrepareAsync();
            }

            ready = _ready;
        }

        return ready.WaitAsync(cancellationToken);
    }

    private async Task PrepareAsync()
    {
        // Not tied to one caller's cancellation: every concurrent first caller waits on this one preparation.
        var connection = await dataSource.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            if (options.CreateTableIfMissing)
            {
                await CreateTableAsync(connection).ConfigureAwait(false);
            }

            await CheckColumnsAsync(connection).ConfigureAwait(false);
        }
    }

    private async Task CreateTableAsync(DbConnection connection)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await SqlCommands.ExecuteAsync(connection, sql.CreateTable, [], CancellationToken.None).ConfigureAwait(false);
                return;
            }
            catch (DbException) when (attempt == 1)
            {
                // Two processes creating the table at once can both pass IF NOT EXISTS; PostgreSQL then rejects the
                // second in its catalog. The retry finds the table.
            }
        }
    }

    private async Task CheckColumnsAsync(DbConnection connection)
    {
        var columns = await ReadColumnSchemaAsync(connection).ConfigureAwait(false);
        var required = await ReadRequiredColumnsAsync(connection).ConfigureAwait(false);
        var problems = SqlTableCheck.FindProblems(columns, required, options.LeaseKey);
        if (problems.Count > 0)
        {
            throw new TokenStoreException(
                $"The SQL token store cannot use the existing table {options.TableName}: {string.Join("; ", problems)}. " +
                $"Create it with the {dialect.Name} script in docs/sql-token-store.md, or set {nameof(SqlTokenStoreOptions)}.{nameof(SqlTokenStoreOptions.TableName)} to a table of the store's own.");
        }
    }

    private async Task<IReadOnlyCollection<DbColumn>> ReadColumnSchemaAsync(DbConnection connection)
    {
        var command = SqlCommands.Create(connection, sql.SelectColumns, []);
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(CommandBehavior.SchemaOnly | CommandBehavior.KeyInfo, CancellationToken.None).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                return await reader.GetColumnSchemaAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private async Task<IReadOnlyCollection<string>> ReadRequiredColumnsAsync(DbConnection connection)
    {
        var required = new List<string>();
        var command = SqlCommands.Create(connection, sql.RequiredColumns, []);
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false))
                {
                    required.Add(reader.GetString(0));
                }
            }
        }

        return required;
    }
}
