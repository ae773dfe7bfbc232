using Keap.ServiceAccount.Tokens.Stores.Sql;

namespace Keap.ServiceAccount.Tests.Tokens.Stores.Sql;

/// <summary>The statements each dialect writes: the table is the only text, every value a parameter, leases on the database's clock.</summary>
public sealed class SqlStatementsTests
{
    public static TheoryData<string> Dialects => new(SqlDialect.All.Select(d => d.Name));

    [Theory]
    [MemberData(nameof(Dialects))]
    public void Every_statement_names_the_table_and_takes_values_only_as_parameters(string dialectName)
    {
        var statements = new SqlStatements(Dialect(dialectName), "app.keap_settings");

        foreach (var sql in All(statements))
        {
            Assert.Contains("app.keap_settings", sql, StringComparison.Ordinal);
            Assert.DoesNotContain(SqlTokenStoreOptions.DefaultTokenKey, sql, StringComparison.Ordinal);
        }

        Assert.Contains("@expected", statements.ReplaceToken, StringComparison.Ordinal);
        Assert.Contains("@expected", statements.RefillToken, StringComparison.Ordinal);
        Assert.Contains("@expected", statements.DeleteToken, StringComparison.Ordinal);
        Assert.Contains("@lease_id", statements.ReleaseLease, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Dialects))]
    public void Leases_are_timed_on_the_database_servers_clock(string dialectName)
    {
        var dialect = Dialect(dialectName);
        var statements = new SqlStatements(dialect, "keap_settings");

        Assert.Contains(dialect.NowMillisecondsSql + " + @duration_ms", statements.TakeOverLease, StringComparison.Ordinal);
        Assert.Contains("expires_at <= " + dialect.NowMillisecondsSql, statements.TakeOverLease, StringComparison.Ordinal);
        Assert.Contains(dialect.NowMillisecondsSql + " + @duration_ms", statements.InsertLease, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_databases_with_a_conditional_upsert_take_the_lease_in_one_statement()
    {
        Assert.Null(new SqlStatements(SqlDialect.MySql, "keap_settings").UpsertLease);
        foreach (var dialect in new[] { SqlDialect.PostgreSql, SqlDialect.Sqlite })
        {
            var upsert = new SqlStatements(dialect, "keap_settings").UpsertLease;
            Assert.NotNull(upsert);
            Assert.Contains("ON CONFLICT (name) DO UPDATE", upsert, StringComparison.Ordinal);
            Assert.Contains("WHERE held.expires_at IS NULL OR held.expires_at <= " + dialect.NowMillisecondsSql, upsert, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_table_script_is_the_dialects_own()
    {
        Assert.Equal(SqlDialect.MySql.CreateTableScript("t"), new SqlStatements(SqlDialect.MySql, "t").CreateTable);
        Assert.Contains("utf8mb4_bin", new SqlStatements(SqlDialect.MySql, "t").CreateTable, StringComparison.Ordinal);
        Assert.DoesNotContain("utf8mb4_bin", new SqlStatements(SqlDialect.PostgreSql, "t").CreateTable, StringComparison.Ordinal);
    }

    private static SqlDialect Dialect(string name) => SqlDialect.All.Single(d => d.Name == name);

    private static IEnumerable<string> All(SqlStatements s) =>
        new[] { s.CreateTable, s.SelectColumns, s.SelectToken, s.RowExists, s.InsertToken, s.ReplaceToken, s.RefillToken, s.DeleteToken, s.TakeOverLease, s.InsertLease, s.ReleaseLease, s.UpsertLease }
            .OfType<string>();
}
