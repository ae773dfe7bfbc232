using System.Data.Common;

namespace Keap.ServiceAccount.Tokens.Stores.Sql;

/// <summary>
/// Compares an existing table's columns, as the provider reports them, with what the store writes, so that a table
/// of the same name made for something else is named as the problem at start-up instead of failing a later refresh.
/// Extra columns are allowed (a settings table may have more), as long as they accept the store's rows.
/// </summary>
internal static class SqlTableCheck
{
    private static readonly ExpectedColumn[] Expected =
    [
        new("name", typeof(string), "text", Nullable: false, Key: true),
        new("value", typeof(string), "text", Nullable: true, Key: false),
        new("version", typeof(long), "64-bit integer (BIGINT)", Nullable: false, Key: false),
        new("owner", typeof(string), "text", Nullable: true, Key: false),
        new("expires_at", typeof(long), "64-bit integer (BIGINT)", Nullable: true, Key: false),
    ];

    /// <summary>Every way <paramref name="columns"/> differ from the store's table; empty when the table fits.</summary>
    public static IReadOnlyList<string> FindProblems(IReadOnlyCollection<DbColumn> columns)
    {
        var problems = new List<string>();
        foreach (var expected in Expected)
        {
            // Column names are case-insensitive in every supported database unless quoted.
            var column = columns.FirstOrDefault(c => string.Equals(c.ColumnName, expected.Name, StringComparison.OrdinalIgnoreCase));
            if (column is null)
            {
                problems.Add($"it has no column '{expected.Name}'");
                continue;
            }

            if (column.DataType != expected.Type)
            {
                problems.Add($"column '{expected.Name}' is {column.DataTypeName}, not {expected.Description}");
            }

            if (expected.Nullable && column.AllowDBNull == false)
            {
                problems.Add($"column '{expected.Name}' does not allow NULL");
            }

            if (expected.Key && column.IsKey != true && column.IsUnique != true)
            {
                problems.Add($"column '{expected.Name}' is neither the primary key nor unique, so two instances could insert the same row");
            }
        }

        return problems;
    }

    private sealed record ExpectedColumn(string Name, Type Type, string Description, bool Nullable, bool Key);
}
