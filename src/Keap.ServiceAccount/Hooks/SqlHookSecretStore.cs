using Keap.ServiceAccount.Tokens.Stores.Sql;

namespace Keap.ServiceAccount.Hooks;

/// <summary>
/// The path secret of the SQL token store, in a row of the token's table named <c>{token row}.hook-secret</c>,
/// protected like the token. Inserted only if absent, then read: when instances create it at once, the row the
/// database kept is the one every instance returns. A row that cannot be read is reported and never replaced. The row
/// is read on every call (the callers keep the secret in memory and ask at most once a minute), so a secret deleted to
/// rotate it is replaced at the next read.
/// </summary>
internal sealed class SqlHookSecretStore(SqlTokenStore tokens) : IKeapHookSecretStore
{
    private readonly string _name = tokens.Options.TokenKey + ".hook-secret";

    public async ValueTask<string> GetOrCreateAsync(CancellationToken cancellationToken = default)
    {
        var secret = await tokens.RunBesideAsync("read or create the REST hook path secret", async (connection, sql, ct) =>
        {
            if (await SelectAsync(connection, sql, ct).ConfigureAwait(false) is { } stored)
            {
                return stored;
            }

            var value = HookSecret.Protect(HookSecret.New(), tokens.Protector);
            await SqlCommands.TryInsertRowAsync(connection, sql.InsertToken, sql.RowExists, [("@name", _name), ("@value", value), ("@next", 1L)], ct).ConfigureAwait(false);
            return await SelectAsync(connection, sql, ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        var source = $"the SQL table {tokens.Options.TableName}, row '{_name}'";
        return HookSecret.Unprotect(secret ?? string.Empty, tokens.Protector, source);
    }

    private async Task<string?> SelectAsync(System.Data.Common.DbConnection connection, SqlStatements sql, CancellationToken cancellationToken)
    {
        var command = SqlCommands.Create(connection, sql.SelectToken, [("@name", _name)]);
        await using (command.ConfigureAwait(false))
        {
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
        }
    }
}
