using System.Data.Common;
using Keap.ServiceAccount.Tokens.Internal;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Keap.ServiceAccount.Tokens.Stores.Sql;

/// <summary>
/// Prepares and checks the SQL store's table when the host starts, so a table that does not fit stops start-up with
/// a message naming what is wrong. A database that cannot be reached does not: it may come up later, and every use of
/// the store reports it.
/// </summary>
internal sealed class SqlTokenStoreStartupCheck(ITokenStore store, ILogger<SqlTokenStoreStartupCheck> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Another store registered after UseSqlTokenStore replaces it; then there is nothing to check.
        if (store is not SqlTokenStore sqlStore)
        {
            return;
        }

        try
        {
            await sqlStore.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (TokenStoreException ex) when (ex.InnerException is DbException)
        {
            TokenLog.StoreCheckDeferred(logger, ex);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
