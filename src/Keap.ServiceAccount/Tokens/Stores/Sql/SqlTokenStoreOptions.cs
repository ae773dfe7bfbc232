using System.Text.RegularExpressions;

namespace Keap.ServiceAccount;

/// <summary>Where <c>UseSqlTokenStore</c> keeps the token: a settings-style table shared by every instance of the application.</summary>
public sealed partial class SqlTokenStoreOptions
{
    /// <summary>The default table name.</summary>
    public const string DefaultTableName = "system_settings";

    /// <summary>The default name of the row holding the token.</summary>
    public const string DefaultTokenKey = "keap.token";

    /// <summary>
    /// The table, optionally schema-qualified (<c>schema.table</c>). Letters, digits and underscores only, because
    /// the name is written into SQL. Default <c>system_settings</c>.
    /// </summary>
    public string TableName { get; set; } = DefaultTableName;

    /// <summary>
    /// Whether the store runs <c>CREATE TABLE IF NOT EXISTS</c> before its first use. Turn it off when the application's
    /// database account may not create tables and the table was created with the documented script. Default on.
    /// </summary>
    public bool CreateTableIfMissing { get; set; } = true;

    /// <summary>
    /// The <c>name</c> of the row holding the token; the refresh lease lives in the row named
    /// <c>{TokenKey}.lease</c>. Change it to keep several Keap connections in one table. Default <c>keap.token</c>.
    /// </summary>
    public string TokenKey { get; set; } = DefaultTokenKey;

    internal string LeaseKey => TokenKey + ".lease";

    /// <summary>Throws when a setting cannot work, naming the setting, so a mistake stops start-up rather than the first refresh.</summary>
    internal void Validate()
    {
        if (string.IsNullOrEmpty(TableName) || !SafeTableName().IsMatch(TableName))
        {
            throw new ArgumentException(
                $"{nameof(SqlTokenStoreOptions)}.{nameof(TableName)} must be a table name of letters, digits and underscores (optionally 'schema.table'), at most 63 characters each; it is written into SQL.",
                nameof(TableName));
        }

        if (string.IsNullOrWhiteSpace(TokenKey) || TokenKey.Length > 150)
        {
            throw new ArgumentException(
                $"{nameof(SqlTokenStoreOptions)}.{nameof(TokenKey)} must be a non-empty row name of at most 150 characters.",
                nameof(TokenKey));
        }
    }

    internal SqlTokenStoreOptions Copy() => new()
    {
        TableName = TableName,
        CreateTableIfMissing = CreateTableIfMissing,
        TokenKey = TokenKey,
    };

    // 63 characters: PostgreSQL's identifier limit, the strictest of the supported databases. \z, not $, which would
    // accept a trailing newline.
    [GeneratedRegex("^([A-Za-z_][A-Za-z0-9_]{0,62}\\.)?[A-Za-z_][A-Za-z0-9_]{0,62}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex SafeTableName();
}
