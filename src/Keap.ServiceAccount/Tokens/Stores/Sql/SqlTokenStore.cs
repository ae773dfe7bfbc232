using System.Data.Common;
using System.Globalization;

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
    private readonly SqlStatements _sql;
    private readonly SqlTablePreparation _table;

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
        var dialect = SqlDialect.For(dataSource);

        // The table name is validated as a plain identifier above; everything else is a parameter.
        _sql = new SqlStatements(dialect, options.TableName);
        _table = new SqlTablePreparation(dataSource, options, dialect, _sql);
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
            await _table.EnsureAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbException ex)
        {
            throw DatabaseFailed("check the table", ex);
        }
    }

    /// <summary>The table and row names; rows the application keeps beside the token are named after the token's row.</summary>
    internal SqlTokenStoreOptions Options => _options;

    /// <summary>The protector of the token, if any; rows kept beside the token are protected with it too.</summary>
    internal ITokenProtector? Protector => _protector;

    /// <summary>
    /// Runs <paramref name="work"/> on an open connection once the table is ready, with the store's statements, for a
    /// row kept beside the token (such as the REST hook path secret); a database failure becomes a <see cref="TokenStoreException"/>.
    /// </summary>
    internal ValueTask<T> RunBesideAsync<T>(string action, Func<DbConnection, SqlStatements, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        RunAsync(action, (connection, ct) => work(connection, _sql, ct), cancellationToken);

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
                return await SqlCommands.TryInsertRowAsync(connection, _sql.InsertToken, _sql.RowExists, [("@name", _options.TokenKey), ("@value", value), ("@next", 1L)], ct).ConfigureAwait(false)
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
            return await SqlCommands.ExecuteAsync(connection, _sql.DeleteToken,
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
            var taken = _sql.UpsertLease is { } upsert
                ? await SqlCommands.ExecuteAsync(connection, upsert, lease, ct).ConfigureAwait(false) == 1
                : await SqlCommands.ExecuteAsync(connection, _sql.TakeOverLease, lease, ct).ConfigureAwait(false) == 1
                  || await SqlCommands.TryInsertRowAsync(connection, _sql.InsertLease, _sql.RowExists, lease, ct).ConfigureAwait(false);
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
            return await SqlCommands.ExecuteAsync(connection, _sql.ReleaseLease, [("@name", _options.LeaseKey), ("@lease_id", lease.LeaseId)], ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<T> RunAsync<T>(string action, Func<DbConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            await _table.EnsureAsync(cancellationToken).ConfigureAwait(false);
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

    private async Task<TokenRow?> ReadTokenRowAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var command = SqlCommands.Create(connection, _sql.SelectToken, [("@name", _options.TokenKey)]);
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
        var updated = await SqlCommands.ExecuteAsync(connection, hasValue ? _sql.ReplaceToken : _sql.RefillToken,
            [("@name", _options.TokenKey), ("@value", value), ("@expected", expectedVersion), ("@next", expectedVersion + 1)],
            cancellationToken).ConfigureAwait(false);
        return updated == 1;
    }

    private sealed record TokenRow(string? Value, long Version)
    {
        // The value is the token document, unprotected unless a protector is configured: never print it.
        public override string ToString() =>
            string.Create(CultureInfo.InvariantCulture, $"TokenRow {{ Version = {Version}, HasValue = {Value is not null} }}");
    }
}
