using System.Data.Common;
using Keap.ServiceAccount.Tokens.Stores.Sql;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Keap.ServiceAccount;

// The two overloads differ in their first parameter's type, so no call binds ambiguously when an optional
// parameter is added to both.
#pragma warning disable RS0026 // Do not add multiple public overloads with optional parameters
public sealed partial class KeapServiceAccountBuilder
{
    /// <summary>
    /// Stores the token in a SQL table reached through <paramref name="dataSource"/> (PostgreSQL through Npgsql, SQLite
    /// through Microsoft.Data.Sqlite, MySQL or MariaDB through MySqlConnector), so several instances of the application
    /// share one token and only one of them refreshes it at a time. An <see cref="ITokenProtector"/> registered in the
    /// container protects the stored token. When the host starts, the table is created if allowed and its columns are
    /// checked: a table that does not fit stops start-up with a <see cref="TokenStoreException"/> naming what is wrong.
    /// </summary>
    /// <param name="dataSource">The database, for example an <c>NpgsqlDataSource</c>. The caller owns and disposes it.</param>
    /// <param name="configure">Sets the table name and other <see cref="SqlTokenStoreOptions"/>.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException">An option is invalid (for example an unsafe table name).</exception>
    /// <exception cref="NotSupportedException">The data source's provider is none of the three above (for example Microsoft.Data.SqlClient).</exception>
    public KeapServiceAccountBuilder UseSqlTokenStore(DbDataSource dataSource, Action<SqlTokenStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        // The data source is at hand: refuse an unsupported provider now rather than at host start-up.
        _ = SqlDialect.For(dataSource);
        return UseSqlTokenStore(_ => dataSource, configure);
    }

    /// <summary>
    /// Stores the token in a SQL table reached through the data source <paramref name="dataSourceFactory"/> returns
    /// (for example one registered in the container). See <see cref="UseSqlTokenStore(DbDataSource, Action{SqlTokenStoreOptions}?)"/>;
    /// an unsupported provider is reported with a <see cref="NotSupportedException"/> when the store is first resolved
    /// (at host start-up).
    /// </summary>
    /// <param name="dataSourceFactory">Returns the database; called once, when the store is first needed.</param>
    /// <param name="configure">Sets the table name and other <see cref="SqlTokenStoreOptions"/>.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException">An option is invalid (for example an unsafe table name).</exception>
    public KeapServiceAccountBuilder UseSqlTokenStore(Func<IServiceProvider, DbDataSource> dataSourceFactory, Action<SqlTokenStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(dataSourceFactory);
        var options = new SqlTokenStoreOptions();
        configure?.Invoke(options);
        options.Validate();
        var frozen = options.Copy();
        Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SqlTokenStoreStartupCheck>());
        return UseTokenStore(services => new SqlTokenStore(
            dataSourceFactory(services),
            frozen,
            services.GetRequiredService<TimeProvider>(),
            services.GetService<ITokenProtector>()));
    }
}
#pragma warning restore RS0026
