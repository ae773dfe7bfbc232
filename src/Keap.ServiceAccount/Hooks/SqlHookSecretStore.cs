using Keap.ServiceAccount.Tokens.Stores.Sql;

namespace Keap.ServiceAccount.Hooks;

/// <summary>
/// The path secret of the SQL token store, in a row of the token's table named <c>{token row}.hook-secret</c>,
/// protected like the token. Inserted only if absent, then read: when instances create it at once, the row the
/// database kept is the one every instance returns. A row that cannot be read is reported and never replaced.
/// </summary>
internal sealed class SqlHookSecretStore(SqlTokenStore tokens) : IKeapHookSecretStore
{
    private readonly string _name = tokens.Options.TokenKey + ".hook-secret";
    private string? _secret;

    public async ValueTask<string> GetOrCreateAsync(CancellationToken cancellationToken = default)
    {
        // Once read, the secret cannot change (it is never rewritten), so later calls need no database access.
        if (Volatile.Read(ref _secret) is { } known)
        {
            return known;
        }

        var secret = await tokens.RunBesideAsync("read or create the REST hook path secret", async (connection, sql, ct) =>
        {
            var value = HookSecret.Protect(HookSecret.New(), tokens.Protector);
            await SqlCommands.TryInsertRowAsync(connection, sql.InsertToken, sql.RowExists, [("@name", _name), ("@value", value), ("@next", 1L)], ct).ConfigureAwait(false);
            var command = SqlCommands.Create(connection, sql.SelectToken, [("@name", _name)]);
            await using (command.ConfigureAwait(false))
            {
                return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) as string;
            }
        }, cancellationToken).ConfigureAwait(false);
        var source = $"the SQL table {tokens.Options.TableName}, row '{_name}'";
        var read = HookSecret.Unprotect(secret ?? string.Empty, tokens.Protector, source);
        Volatile.Write(ref _secret, read);
        return read;
    }
}
