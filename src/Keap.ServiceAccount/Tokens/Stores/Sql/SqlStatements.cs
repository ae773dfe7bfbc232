namespace Keap.ServiceAccount.Tokens.Stores.Sql;

/// <summary>
/// The statements the SQL token store runs on one table, as <see cref="SqlDialect"/> writes them: standard SQL where
/// every database agrees (the compare-and-swap updates, the release), the dialect's own where they differ (the table
/// script, the required-columns query, the server's clock, the one-statement lease upsert).
/// </summary>
/// <remarks>
/// <paramref name="table"/> must be a validated <c>[schema.]table</c> identifier: it is the only text written into the
/// SQL; every value is a parameter (<c>@name</c>, <c>@value</c>, <c>@expected</c>, <c>@next</c>, <c>@lease_id</c>,
/// <c>@owner</c>, <c>@duration_ms</c>).
/// </remarks>
internal sealed class SqlStatements(SqlDialect dialect, string table)
{
    private string Now => dialect.NowMillisecondsSql;

    private string ExpiresAt => $"{Now} + @duration_ms";

    /// <summary>Creates the table when missing.</summary>
    public string CreateTable => dialect.CreateTableScript(table);

    /// <summary>Reads no row: only the column schema.</summary>
    public string SelectColumns => $"SELECT * FROM {table} WHERE 1 = 0";

    /// <summary>Lists the columns an insert must fill (NOT NULL, no default, not generated).</summary>
    public string RequiredColumns => dialect.RequiredColumnsSql(table);

    public string SelectToken => $"SELECT value, version FROM {table} WHERE name = @name";

    public string RowExists => $"SELECT COUNT(*) FROM {table} WHERE name = @name";

    public string InsertToken => $"INSERT INTO {table} (name, value, version) VALUES (@name, @value, @next)";

    /// <summary>Replaces a token, only at the expected version.</summary>
    public string ReplaceToken => $"UPDATE {table} SET value = @value, version = @next WHERE name = @name AND version = @expected AND value IS NOT NULL";

    /// <summary>Writes a token into a cleared row, only at the expected version.</summary>
    public string RefillToken => $"UPDATE {table} SET value = @value, version = @next WHERE name = @name AND version = @expected AND value IS NULL";

    /// <summary>Clears the value but keeps the row and bumps its version, so versions never repeat.</summary>
    public string DeleteToken => $"UPDATE {table} SET value = NULL, version = @next WHERE name = @name AND version = @expected AND value IS NOT NULL";

    /// <summary>Takes a free or lapsed lease in one statement, or <see langword="null"/> when the dialect has no conditional upsert.</summary>
    public string? UpsertLease => dialect.HasConditionalUpsert
        ? $"INSERT INTO {table} AS held (name, value, version, owner, expires_at) VALUES (@name, @lease_id, 1, @owner, {ExpiresAt}) " +
          "ON CONFLICT (name) DO UPDATE SET value = excluded.value, version = held.version + 1, owner = excluded.owner, expires_at = excluded.expires_at " +
          $"WHERE held.expires_at IS NULL OR held.expires_at <= {Now}"
        : null;

    /// <summary>Takes over a lapsed (or released) lease row.</summary>
    public string TakeOverLease =>
        $"UPDATE {table} SET value = @lease_id, version = version + 1, owner = @owner, expires_at = {ExpiresAt} " +
        $"WHERE name = @name AND (expires_at IS NULL OR expires_at <= {Now})";

    /// <summary>Creates the lease row the first time.</summary>
    public string InsertLease => $"INSERT INTO {table} (name, value, version, owner, expires_at) VALUES (@name, @lease_id, 1, @owner, {ExpiresAt})";

    /// <summary>Frees the lease only if it is still this grant (matched by lease id).</summary>
    public string ReleaseLease => $"UPDATE {table} SET value = NULL, owner = NULL, expires_at = NULL WHERE name = @name AND value = @lease_id";
}
