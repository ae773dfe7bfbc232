using System.Data.Common;

namespace Keap.ServiceAccount.Tokens.Stores.Sql;

/// <summary>
/// What the SQL token store must say differently per database. Everything else (compare-and-swap updates, the
/// release) is standard SQL shared by all of them. A provider missing here is refused at start-up rather than
/// failing at the first refresh.
/// </summary>
internal sealed class SqlDialect
{
    public static readonly SqlDialect PostgreSql = new("PostgreSQL", "Npgsql", "VARCHAR(200)", hasConditionalUpsert: true);

    public static readonly SqlDialect Sqlite = new("SQLite", "Microsoft.Data.Sqlite", "VARCHAR(200)", hasConditionalUpsert: true);

    // A binary collation, so row names compare exactly as in PostgreSQL and SQLite rather than case-insensitively.
    public static readonly SqlDialect MySql = new("MySQL/MariaDB", "MySqlConnector", "VARCHAR(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin", hasConditionalUpsert: false);

    public static readonly IReadOnlyList<SqlDialect> All = [PostgreSql, Sqlite, MySql];

    private readonly string _nameType;

    private SqlDialect(string name, string provider, string nameType, bool hasConditionalUpsert)
    {
        Name = name;
        Provider = provider;
        _nameType = nameType;
        HasConditionalUpsert = hasConditionalUpsert;
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

    public override string ToString() => Name;
}
