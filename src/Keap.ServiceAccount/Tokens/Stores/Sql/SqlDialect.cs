using System.Data.Common;

namespace Keap.ServiceAccount.Tokens.Stores.Sql;

/// <summary>
/// What the SQL token store must say differently per database. Everything else (compare-and-swap updates, the
/// release) is standard SQL shared by all of them. A provider missing here is refused at start-up rather than
/// failing at the first refresh.
/// </summary>
internal sealed class SqlDialect
{
    // Identity and generated columns fill themselves, so only a plain NOT NULL column without a default needs the store to write it.
    // statement_timestamp(): one value for the whole statement, unlike clock_timestamp(), and not frozen by a transaction like now().
    public static readonly SqlDialect PostgreSql = new("PostgreSQL", "Npgsql", "VARCHAR(200)", hasConditionalUpsert: true,
        "CAST(FLOOR(EXTRACT(EPOCH FROM statement_timestamp()) * 1000) AS BIGINT)",
        (schema, table) =>
            "SELECT attname FROM pg_catalog.pg_attribute " +
            $"WHERE attrelid = to_regclass('{(schema is null ? table : schema + "." + table)}') " +
            "AND attnum > 0 AND NOT attisdropped AND attnotnull AND NOT atthasdef AND attidentity = '' AND attgenerated = ''");

    // pragma_table_info leaves generated columns out; an INTEGER PRIMARY KEY alone is the rowid, which SQLite assigns.
    // julianday('now') is fixed for one statement; unixepoch('subsec') would need SQLite 3.42.
    public static readonly SqlDialect Sqlite = new("SQLite", "Microsoft.Data.Sqlite", "VARCHAR(200)", hasConditionalUpsert: true,
        "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)",
        (schema, table) =>
            $"SELECT name FROM pragma_table_info('{table}', '{schema ?? "main"}') AS c " +
            "WHERE c.\"notnull\" = 1 AND c.dflt_value IS NULL " +
            $"AND NOT (c.pk = 1 AND upper(c.type) = 'INTEGER' AND (SELECT COUNT(*) FROM pragma_table_info('{table}', '{schema ?? "main"}') WHERE pk > 0) = 1)");

    // A binary collation, so row names compare exactly as in PostgreSQL and SQLite rather than case-insensitively.
    // UTC_TIMESTAMP against the epoch as plain DATETIME arithmetic: UNIX_TIMESTAMP would read it in the session's time zone.
    public static readonly SqlDialect MySql = new("MySQL/MariaDB", "MySqlConnector", "VARCHAR(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin", hasConditionalUpsert: false,
        "CAST(TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', UTC_TIMESTAMP(6)) DIV 1000 AS SIGNED)",
        (schema, table) =>
            "SELECT COLUMN_NAME FROM information_schema.COLUMNS " +
            $"WHERE TABLE_SCHEMA = {(schema is null ? "DATABASE()" : $"'{schema}'")} AND TABLE_NAME = '{table}' " +
            "AND IS_NULLABLE = 'NO' AND COLUMN_DEFAULT IS NULL AND EXTRA NOT LIKE '%auto_increment%' AND EXTRA NOT LIKE '%GENERATED%'");

    public static readonly IReadOnlyList<SqlDialect> All = [PostgreSql, Sqlite, MySql];

    private readonly string _nameType;
    private readonly Func<string?, string, string> _requiredColumnsSql;

    private SqlDialect(string name, string provider, string nameType, bool hasConditionalUpsert, string nowMillisecondsSql, Func<string?, string, string> requiredColumnsSql)
    {
        Name = name;
        Provider = provider;
        _nameType = nameType;
        HasConditionalUpsert = hasConditionalUpsert;
        NowMillisecondsSql = nowMillisecondsSql;
        _requiredColumnsSql = requiredColumnsSql;
    }

    /// <summary>The database family, as errors and docs/sql-token-store.md name it.</summary>
    public string Name { get; }

    /// <summary>The ADO.NET provider (its namespace) the store is tested with.</summary>
    public string Provider { get; }

    /// <summary>
    /// Whether <c>INSERT ... ON CONFLICT (name) DO UPDATE ... WHERE</c> exists, so that taking the lease is one statement.
    /// MySQL and MariaDB have only <c>ON DUPLICATE KEY UPDATE</c>, whose affected-row count depends on connection flags.
    /// </summary>
    public bool HasConditionalUpsert { get; }

    /// <summary>
    /// An SQL expression for the database server's current time as Unix milliseconds (UTC), one value within a
    /// statement. Leases are taken and checked on this one clock, so instances whose clocks disagree still agree on
    /// whether a lease is live.
    /// </summary>
    public string NowMillisecondsSql { get; }

    /// <summary>Finds the dialect of <paramref name="dataSource"/>'s provider from the connection type it creates (nothing is opened).</summary>
    /// <exception cref="NotSupportedException">The provider is not one the store speaks; the message names it.</exception>
    public static SqlDialect For(DbDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        using var connection = dataSource.CreateConnection();
        var connectionType = connection.GetType();
        foreach (var dialect in All)
        {
            if (string.Equals(connectionType.Namespace, dialect.Provider, StringComparison.Ordinal))
            {
                return dialect;
            }
        }

        throw new NotSupportedException(
            $"The SQL token store does not support the ADO.NET provider {connectionType.Namespace} ({connectionType.Name}): it speaks " +
            string.Join(", ", All.Select(d => $"{d.Name} through {d.Provider}")) +
            ". For another database implement ITokenStore and register it with UseTokenStore.");
    }

    /// <summary>The table the store creates on demand; docs/sql-token-store.md shows the same script for each dialect.</summary>
    public string CreateTableScript(string table) =>
        $"CREATE TABLE IF NOT EXISTS {table} (" +
        $"name {_nameType} NOT NULL PRIMARY KEY, " +
        "value TEXT NULL, " +
        "version BIGINT NOT NULL, " +
        "owner VARCHAR(200) NULL, " +
        "expires_at BIGINT NULL)";

    /// <summary>
    /// A query listing the columns of <paramref name="table"/> (a validated <c>[schema.]table</c> identifier, so it can be
    /// written into the SQL as a literal) that must be given a value on insert: NOT NULL, no default, not filled by the
    /// database. The provider's column schema cannot say this, and an insert leaving such a column out fails.
    /// </summary>
    public string RequiredColumnsSql(string table)
    {
        var dot = table.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? _requiredColumnsSql(null, table) : _requiredColumnsSql(table[..dot], table[(dot + 1)..]);
    }

    public override string ToString() => Name;
}
