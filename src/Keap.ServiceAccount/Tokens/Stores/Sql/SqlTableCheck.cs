using System.Data.Common;

namespace Keap.ServiceAccount.Tokens.Stores.Sql;

/// <summary>
/// Compares an existing table's columns, as the provider reports them, with what the store writes, so that a table
/// of the same name made for something else is named as the problem at start-up instead of failing a later refresh.
/// Extra columns are allowed (a settings table may have more), as long as they accept the store's rows.
/// </summary>
internal static class SqlTableCheck
{
    /// <summary>
    /// The fewest characters a length-limited <c>value</c> column must hold. A serialized token is a few hundred
    /// characters; protected at rest (ASP.NET Core Data Protection) it grows to a few times that, and Keap does not
    /// promise token lengths, so the floor leaves room rather than fitting today's tokens exactly.
    /// </summary>
    public const int MinimumValueLength = 4000;

    private static readonly ExpectedColumn[] Expected =
    [
        new("name", typeof(string), "text", Nullable: false, Key: true),
        new("value", typeof(string), "text", Nullable: true, Key: false),
        new("version", typeof(long), "64-bit integer (BIGINT)", Nullable: false, Key: false),
        new("owner", typeof(string), "text", Nullable: true, Key: false),
        new("expires_at", typeof(long), "64-bit integer (BIGINT)", Nullable: true, Key: false),
    ];

    /// <summary>Every way the table differs from what the store needs; empty when the table fits.</summary>
    /// <param name="columns">The table's columns as the provider reports them (with key information).</param>
    /// <param name="requiredColumns">The table's columns that are NOT NULL without a default (<see cref="SqlDialect.RequiredColumnsSql"/>).</param>
    /// <param name="longestRowName">The longest row name the store writes (the lease row's), so <c>name</c> must hold it.</param>
    public static IReadOnlyList<string> FindProblems(IReadOnlyCollection<DbColumn> columns, IReadOnlyCollection<string> requiredColumns, string longestRowName)
    {
        var problems = new List<string>();
        foreach (var expected in Expected)
        {
            var column = columns.FirstOrDefault(c => IsNamed(c.ColumnName, expected.Name));
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

            if (expected.Key)
            {
                problems.AddRange(KeyProblems(column, columns));
            }

            if (expected.Type == typeof(string) && MaximumLength(column) is { } length)
            {
                // SQLite reports no length (it enforces none); the others report characters.
                if (IsNamed(expected.Name, "name") && length < longestRowName.Length)
                {
                    problems.Add($"column 'name' holds at most {length} characters, but the row '{longestRowName}' needs {longestRowName.Length}; make it VARCHAR(200)");
                }
                else if (IsNamed(expected.Name, "value") && length < MinimumValueLength)
                {
                    problems.Add($"column 'value' holds at most {length} characters; a token needs a text type (TEXT) or at least {MinimumValueLength} characters");
                }
            }
        }

        // The store's own columns are reported above; any other required column breaks every insert, which leaves it out.
        foreach (var required in requiredColumns.Where(r => !Expected.Any(e => IsNamed(r, e.Name))))
        {
            problems.Add($"column '{required}' is NOT NULL without a default, so the store's inserts (which leave it out) would fail; give it a default or allow NULL");
        }

        return problems;
    }

    private static IEnumerable<string> KeyProblems(DbColumn name, IReadOnlyCollection<DbColumn> columns)
    {
        if (name.IsKey != true && name.IsUnique != true)
        {
            yield return "column 'name' is neither the primary key nor unique, so two instances could insert the same row";
            yield break;
        }

        // ON CONFLICT (name) needs a key on exactly that column, and a key over more columns lets two rows share a name.
        var otherKeys = columns.Where(c => c.IsKey == true && !IsNamed(c.ColumnName, "name")).Select(c => c.ColumnName).ToList();
        if (name.IsUnique != true && otherKeys.Count > 0)
        {
            yield return $"column 'name' is only part of a key with other columns ({string.Join(", ", otherKeys)}); it must be the primary key on its own or unique on its own";
        }
    }

    // Providers report an unlimited text column as no size, -1 or int.MaxValue.
    private static int? MaximumLength(DbColumn column) =>
        column.ColumnSize is > 0 and < int.MaxValue ? column.ColumnSize : null;

    // Column names are case-insensitive in every supported database unless quoted.
    private static bool IsNamed(string name, string expected) => string.Equals(name, expected, StringComparison.OrdinalIgnoreCase);

    private sealed record ExpectedColumn(string Name, Type Type, string Description, bool Nullable, bool Key);
}
