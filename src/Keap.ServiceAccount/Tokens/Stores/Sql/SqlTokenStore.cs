using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Runtime.ExceptionServices;

namespace Keap.ServiceAccount.Tokens.Stores.Sql;

/// <summary>
/// Keeps the token in one row of a settings-style table, shared by every instance of the application, over plain
/// ADO.NET. The statements are standard SQL except where <see cref="SqlDialect"/> says otherwise (PostgreSQL, SQLite,
/// MySQL/MariaDB); other providers are refused when the store is created.
/// </summary>
/// <remarks>
/// The token row holds the (optionally protected) JSON of <see cref="TokenSerializer"/> and a version for
/// compare-and-swap. A delete clears the value but keeps the row and bumps its version, so versions never repeat.
/// The lease row holds the lease id, owner and expiry (Unix milliseconds on the database server's clock, see
/// <see cref="SqlDialect.NowMillisecondsSql"/>) and counts grants in its version column. The database alone decides
/// whether a lease is live, so an instance whose clock is ahead cannot take a lease another instance still holds.
/// </remarks>
internal sealed class SqlTokenStore : ITokenStore
{
    private readonly DbDataSource _dataSource;
    private readonly SqlTokenStoreOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ITokenProtector? _protector;
    private readonly string _source;
    private readonly SqlDialect _dialect;
    private readonly Lock _tableGate = new();
    private Task? _tableReady;

    private readonly string _createTableSql;
    private readonly string _selectColumnsSql;
    private readonly string _requiredColumnsSql;
    private readonly string _selectTokenSql;
    private readonly string _rowExistsSql;
    private readonly string _insertTokenSql;
    private readonly string _replaceTokenSql;
    private readonly string _refillTokenSql;
    private readonly string _deleteTokenSql;
    private readonly string? _upsertLeaseSql;
    private readonly string _takeOverLeaseSql;
    private readonly string _insertLeaseSql;
    private readonly string _releaseLeaseSql;

    /// <summary>Creates the store; nothing is opened until first use.</summary>
    /// <exception cref="NotSupportedException">The data source's provider speaks no dialect the store knows.</exception>
    public SqlTokenStore(DbDataSource dataSource, SqlTokenStoreOptions options, TimeProvider timeProvider, ITokenProtector? protector)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        options.Validate();
        _dataSource = dataSource;
        _options = options;
        _timeProvider = timeProvider;
        _protector = protector;
        _source = $"the SQL table {options.TableName}, row '{options.TokenKey}'";
        _dialect = SqlDialect.For(dataSource);

        // The table name is validated as a plain identifier above; everything else is a parameter.
        var table = options.TableName;
        _createTableSql = _dialect.CreateTableScript(table);
        _selectColumnsSql = $"SELECT * FROM {table} WHERE 1 = 0";
        _requiredColumnsSql = _dialect.RequiredColumnsSql(table);
        _selectTokenSql = $"SELECT value, version FROM {table} WHERE name = @name";
        _rowExistsSql = $"SELECT COUNT(*) FROM {table} WHERE name = @name";
        _insertTokenSql = $"INSERT INTO {table} (name, value, version) VALUES (@name, @value, @next)";
        _replaceTokenSql = $"UPDATE {table} SET value = @value, version = @next WHERE name = @name AND version = @expected AND value IS NOT NULL";
        _refillTokenSql = $"UPDATE {table} SET value = @value, version = @next WHERE name = @name AND version = @expected AND value IS NULL";
        _deleteTokenSql = $"UPDATE {table} SET value = NULL, version = @next WHERE name = @name AND version = @expected AND value IS NOT NULL";
        var now = _dialect.NowMillisecondsSql;
        var expiresAt = $"{now} + @duration_ms";
        _upsertLeaseSql = _dialect.HasConditionalUpsert
            ? $"INSERT INTO {table} AS held (name, value, version, owner, expires_at) VALUES (@name, @lease_id, 1, @owner, {expiresAt}) " +
              "ON CONFLICT (name) DO UPDATE SET value = excluded.value, version = held.version + 1, owner = excluded.owner, expires_at = excluded.expires_at " +
              $"WHERE held.expires_at IS NULL OR held.expires_at <= {now}"
            : null;
        _takeOverLeaseSql =
            $"UPDATE {table} SET value = @lease_id, version = version + 1, owner = @owner, expires_at = {expiresAt} " +
            $"WHERE name = @name AND (expires_at IS NULL OR expires_at <= {now})";
        _insertLeaseSql = $"INSERT INTO {table} (name, value, version, owner, expires_at) VALUES (@name, @lease_id, 1, @owner, {expiresAt})";
        _releaseLeaseSql = $"UPDATE {table} SET value = NULL, owner = NULL, expires_at = NULL WHERE name = @name AND value = @lease_id";
    }

    /// <summary>
    /// Creates the table if allowed and checks its columns, as the first use would; the start-up check calls it so
    /// a wrong table stops the application before it needs a token.
    /// </summary>
    /// <exception cref="TokenStoreException">The table does not fit (the message says how), or the database failed.</exception>
    internal async ValueTask EnsureReadyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbException ex)
        {
            throw DatabaseFailed("check the table", ex);
        }
    }

    public ValueTask<StoredToken?> GetAsync(CancellationToken cancellationToken = default) =>
        RunAsync("read the token", async (connection, ct) =>
        {
            var row = await ReadTokenRowAsync(connection, ct).ConfigureAwait(false);
            return row is { Value: { } value }
                ? TokenSerializer.Deserialize(value, _protector, _source, row.Version)
                : null;
        }, cancellationToken);

    public ValueTask<StoredToken?> TrySaveAsync(KeapToken token, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);
        var value = TokenSerializer.Serialize(token, _protector);
        return RunAsync("save the token", async (connection, ct) =>
        {
            if (expectedVersion != StoredToken.NoVersion)
            {
                return await UpdateTokenAsync(connection, value, expectedVersion, hasValue: true, ct).ConfigureAwait(false)
                    ? new StoredToken(token, expectedVersion + 1)
                    : null;
            }

            var row = await ReadTokenRowAsync(connection, ct).ConfigureAwait(false);
            if (row is null)
            {
                return await TryInsertRowAsync(connection, _insertTokenSql, [("@name", _options.TokenKey), ("@value", value), ("@next", 1L)], ct).ConfigureAwait(false)
                    ? new StoredToken(token, 1)
                    : null;
            }

            // A cleared row keeps its version so that the next token continues the sequence instead of restarting it.
            return row.Value is null && await UpdateTokenAsync(connection, value, row.Version, hasValue: false, ct).ConfigureAwait(false)
                ? new StoredToken(token, row.Version + 1)
                : null;
        }, cancellationToken);
    }

    public ValueTask<StoredToken?> TryMarkRefusedAsync(long expectedVersion, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return RunAsync("record the refused refresh token", async (connection, ct) =>
        {
            // The refusal rides in the row's value, written under the same compare-and-swap as a token: no extra column.
            var row = await ReadTokenRowAsync(connection, ct).ConfigureAwait(false);
            if (row is not { Value: { } value } || row.Version != expectedVersion)
            {
                return null;
            }

            var token = TokenSerializer.Deserialize(value, _protector, _source, row.Version).Token;
            return await UpdateTokenAsync(connection, TokenSerializer.Serialize(token, _protector, reason), expectedVersion, hasValue: true, ct).ConfigureAwait(false)
                ? new StoredToken(token, expectedVersion + 1) { Refusal = reason }
                : null;
        }, cancellationToken);
    }

    public ValueTask<bool> TryDeleteAsync(long expectedVersion, CancellationToken cancellationToken = default) =>
        RunAsync("delete the token", async (connection, ct) =>
        {
            return await ExecuteAsync(connection, _deleteTokenSql,
                [("@name", _options.TokenKey), ("@expected", expectedVersion), ("@next", expectedVersion + 1)], ct).ConfigureAwait(false) == 1;
        }, cancellationToken);

    public ValueTask<TokenLease?> TryAcquireLeaseAsync(string owner, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        return RunAsync("take the refresh lease", async (connection, ct) =>
        {
            // The database starts the lease when it runs the statement, after this instant: so this clock's now plus the
            // duration is (to the millisecond the database keeps) no later than the expiry it holds, however the clocks differ.
            var sentAt = _timeProvider.GetUtcNow();
            var leaseId = Guid.NewGuid().ToString("N");
            (string, object)[] lease =
            [
                ("@name", _options.LeaseKey),
                ("@lease_id", leaseId),
                ("@owner", owner),
                ("@duration_ms", (long)Math.Ceiling(duration.TotalMilliseconds)),
            ];

            // Each statement is atomic on the one row, so two instances can never both see the lease as free.
            var taken = _upsertLeaseSql is not null
                ? await ExecuteAsync(connection, _upsertLeaseSql, lease, ct).ConfigureAwait(false) == 1
                : await ExecuteAsync(connection, _takeOverLeaseSql, lease, ct).ConfigureAwait(false) == 1
                  || await TryInsertRowAsync(connection, _insertLeaseSql, lease, ct).ConfigureAwait(false);
            return taken
                ? new TokenLease(owner, leaseId, sentAt + duration)
                : null;
        }, cancellationToken);
    }

    public async ValueTask ReleaseLeaseAsync(TokenLease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        await RunAsync("release the refresh lease", async (connection, ct) =>
        {
            // Matching the lease id leaves a lease granted to someone else after this one expired alone.
            return await ExecuteAsync(connection, _releaseLeaseSql, [("@name", _options.LeaseKey), ("@lease_id", lease.LeaseId)], ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<T> RunAsync<T>(string action, Func<DbConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
            var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                return await work(connection, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (DbException ex)
        {
            throw DatabaseFailed(action, ex);
        }
    }

    // The provider's message is kept as the inner exception; connection strings (and passwords) are never quoted.
    private TokenStoreException DatabaseFailed(string action, DbException exception) => new(
        $"The SQL token store could not {action} in table {_options.TableName}: the database failed or could not be reached ({exception.GetType().Name}). Check that it is up and that the table exists.",
        exception);

    private Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        Task ready;
        lock (_tableGate)
        {
            // Once per store instance; a failed attempt (database down, wrong table) is tried again by the next call.
            if (_tableReady is null || _tableReady.IsFaulted || _tableReady.IsCanceled)
            {
                _tableReady = PrepareTableAsync();
            }

            ready = _tableReady;
        }

        return ready.WaitAsync(cancellationToken);
    }

    private async Task PrepareTableAsync()
    {
        // Not tied to one caller's cancellation: every concurrent first caller waits on this one preparation.
        var connection = await _dataSource.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            if (_options.CreateTableIfMissing)
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
                await ExecuteAsync(connection, _createTableSql, [], CancellationToken.None).ConfigureAwait(false);
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
        var problems = SqlTableCheck.FindProblems(columns, required, _options.LeaseKey);
        if (problems.Count > 0)
        {
            throw new TokenStoreException(
                $"The SQL token store cannot use the existing table {_options.TableName}: {string.Join("; ", problems)}. " +
                $"Create it with the {_dialect.Name} script in docs/sql-token-store.md, or set {nameof(SqlTokenStoreOptions)}.{nameof(SqlTokenStoreOptions.TableName)} to a table of the store's own.");
        }
    }

    private async Task<IReadOnlyCollection<DbColumn>> ReadColumnSchemaAsync(DbConnection connection)
    {
        var command = CreateCommand(connection, _selectColumnsSql, []);
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
        var command = CreateCommand(connection, _requiredColumnsSql, []);
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

    private async Task<TokenRow?> ReadTokenRowAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var command = CreateCommand(connection, _selectTokenSql, [("@name", _options.TokenKey)]);
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    return null;
                }

                return new TokenRow(reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetInt64(1));
            }
        }
    }

    private async Task<bool> UpdateTokenAsync(DbConnection connection, string value, long expectedVersion, bool hasValue, CancellationToken cancellationToken)
    {
        var updated = await ExecuteAsync(connection, hasValue ? _replaceTokenSql : _refillTokenSql,
            [("@name", _options.TokenKey), ("@value", value), ("@expected", expectedVersion), ("@next", expectedVersion + 1)],
            cancellationToken).ConfigureAwait(false);
        return updated == 1;
    }

    /// <summary>Inserts a row whose <c>@name</c> is a parameter; <see langword="false"/> when another writer inserted it first.</summary>
    private async Task<bool> TryInsertRowAsync(DbConnection connection, string insertSql, (string Name, object Value)[] parameters, CancellationToken cancellationToken)
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
        var existing = CreateCommand(connection, _rowExistsSql, [name]);
        await using (existing.ConfigureAwait(false))
        {
            if (Convert.ToInt64(await existing.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) > 0)
            {
                return false;
            }
        }

        ExceptionDispatchInfo.Throw(conflict);
        return false;
    }

    private static async Task<int> ExecuteAsync(DbConnection connection, string sql, (string Name, object Value)[] parameters, CancellationToken cancellationToken)
    {
        var command = CreateCommand(connection, sql, parameters);
        await using (command.ConfigureAwait(false))
        {
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static DbCommand CreateCommand(DbConnection connection, string sql, (string Name, object Value)[] parameters)
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

    private sealed record TokenRow(string? Value, long Version)
    {
        // The value is the token document, unprotected unless a protector is configured: never print it.
        public override string ToString() =>
            string.Create(CultureInfo.InvariantCulture, $"TokenRow {{ Version = {Version}, HasValue = {Value is not null} }}");
    }
}
