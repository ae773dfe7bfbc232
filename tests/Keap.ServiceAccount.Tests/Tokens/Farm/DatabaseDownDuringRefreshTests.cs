using Keap.ServiceAccount.Sandbox;
using Keap.ServiceAccount.Tests.Infrastructure;
using Keap.ServiceAccount.Tokens;
using Keap.ServiceAccount.Tokens.Stores.Sql;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Npgsql;

namespace Keap.ServiceAccount.Tests.Tokens.Farm;

/// <summary>
/// The shared PostgreSQL store goes down after Keap rotated the refresh token and before the new token is stored:
/// the one moment a token can be lost. The manager keeps retrying the save while it holds the lease.
/// </summary>
public sealed class DatabaseDownDuringRefreshTests : IAsyncLifetime
{
    private FarmEnvironment? _farm;
    private TcpProxy? _proxy;
    private NpgsqlDataSource? _dataSource;

    private KeapSandboxServer Sandbox => _farm!.Sandbox;

    private TcpProxy Proxy => _proxy!;

    public async Task InitializeAsync()
    {
        _farm = await FarmEnvironment.StartAsync();
        if (_farm is null)
        {
            return;
        }

        var server = new NpgsqlConnectionStringBuilder(PostgresServer.ConnectionString);
        _proxy = new TcpProxy(server.Host!, server.Port);
        server.Host = "127.0.0.1";
        server.Port = _proxy.Port;
        server.Timeout = 3;
        _dataSource = NpgsqlDataSource.Create(server.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        if (_farm is not null)
        {
            await _dataSource!.DisposeAsync();
            await Proxy.DisposeAsync();
            await _farm.DisposeAsync();
        }
    }

    [PostgresFact]
    public async Task Stores_the_refreshed_token_once_the_database_returns_while_the_lease_is_held()
    {
        var store = new CuttingStore(new SqlTokenStore(_dataSource!, new SqlTokenStoreOptions { TableName = _farm!.Table }, TimeProvider.System, protector: null), Proxy);
        await using var provider = BuildProvider(store, TimeSpan.FromSeconds(60));
        var seeded = await _farm!.SeedExpiredTokenAsync(store);

        var asking = provider.GetRequiredService<IAccessTokenProvider>().GetAccessTokenAsync(CancellationToken.None).AsTask();
        var failure = await store.FirstSaveFailure.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.False(asking.IsCompleted);
        Assert.Contains("could not save the token", failure.Message, StringComparison.Ordinal);
        Assert.Equal(1, Sandbox.State.Refreshes);
        Proxy.Restore();
        var access = await asking.WaitAsync(TimeSpan.FromSeconds(30));

        var stored = await store.GetAsync();
        Assert.Equal(stored!.Token.AccessToken, access);
        Assert.NotEqual(seeded.Token.AccessToken, access);
        Assert.True(stored.Version > seeded.Version);
        Assert.Equal(1, Sandbox.State.Refreshes);
        Assert.Equal(0, Sandbox.State.InvalidGrants);
        var logs = provider.GetFakeLogCollector().GetSnapshot();
        Assert.Contains(logs, r => r.Id.Name == "SaveRetry");
        AssertNoSecrets(logs, seeded.Token, stored.Token);
    }

    [PostgresFact]
    public async Task Keeps_the_refreshed_token_in_memory_when_the_database_stays_down_past_the_lease_and_stores_it_when_it_returns()
    {
        var store = new CuttingStore(new SqlTokenStore(_dataSource!, new SqlTokenStoreOptions { TableName = _farm!.Table }, TimeProvider.System, protector: null), Proxy);
        await using var provider = BuildProvider(store, TimeSpan.FromSeconds(8));
        var seeded = await _farm!.SeedExpiredTokenAsync(store);

        // The database stays down past the lease: the token Keap just issued is served from memory, not thrown away.
        var access = await provider.GetRequiredService<IAccessTokenProvider>().GetAccessTokenAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.NotEqual(seeded.Token.AccessToken, access);
        Assert.Equal(1, Sandbox.State.Refreshes);
        var status = await provider.GetRequiredService<IKeapAuthorization>().GetStatusAsync();
        Assert.Equal(KeapConnectionState.StoreUnavailable, status.State);

        // The database returns: the compare-and-swap against the replaced version (the fence) stores it; nothing is spent twice.
        Proxy.Restore();
        var stored = await Eventually.ValueAsync(
            "the token kept in memory is stored",
            async () => await store.GetAsync(),
            s => s?.Token.AccessToken == access,
            pause: TimeSpan.FromMilliseconds(100),
            timeout: TimeSpan.FromSeconds(60));

        Assert.Equal(access, stored!.Token.AccessToken);
        Assert.True(stored.Version > seeded.Version);
        Assert.Equal(access, await provider.GetRequiredService<IAccessTokenProvider>().GetAccessTokenAsync(CancellationToken.None));
        Assert.Equal(1, Sandbox.State.Refreshes);
        Assert.Equal(0, Sandbox.State.InvalidGrants);
        AssertNoSecrets(provider.GetFakeLogCollector().GetSnapshot(), seeded.Token, stored.Token);
    }

    private ServiceProvider BuildProvider(ITokenStore store, TimeSpan leaseDuration)
    {
        var services = new ServiceCollection();
        services.AddFakeLogging(o => o.FilteredLevels.Clear());
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace));
        services.AddKeapServiceAccount(o =>
        {
            o.ClientId = FarmEnvironment.ClientId;
            o.ClientSecret = FarmEnvironment.ClientSecret;
            o.RedirectUri = new Uri("https://app.example/keap/callback");
            o.TokenEndpoint = Sandbox.TokenEndpoint;
            o.Refresh.LeaseDuration = leaseDuration;
            o.Refresh.TokenRequestTimeout = leaseDuration / 2;
        }).UseTokenStore(_ => store);
        return services.BuildServiceProvider();
    }

    private static void AssertNoSecrets(IReadOnlyList<FakeLogRecord> logs, params KeapToken[] tokens)
    {
        var text = string.Join('\n', logs.Select(r => r.Message + " " + r.Exception));
        foreach (var token in tokens)
        {
            Assert.DoesNotContain(token.AccessToken, text, StringComparison.Ordinal);
            Assert.DoesNotContain(token.RefreshToken, text, StringComparison.Ordinal);
        }
    }

    /// <summary>Cuts the database connection at the first save (the refresh token is already spent by then) and reports the failure.</summary>
    private sealed class CuttingStore(ITokenStore inner, TcpProxy proxy) : ITokenStore
    {
        private readonly TaskCompletionSource<TokenStoreException> _firstSaveFailure = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _saves;

        public Task<TokenStoreException> FirstSaveFailure => _firstSaveFailure.Task;

        public ValueTask<StoredToken?> GetAsync(CancellationToken cancellationToken = default) => inner.GetAsync(cancellationToken);

        public async ValueTask<StoredToken?> TrySaveAsync(KeapToken token, long expectedVersion, CancellationToken cancellationToken = default)
        {
            // The first save is the test's seed; the second is the manager's, after Keap rotated the token.
            if (Interlocked.Increment(ref _saves) == 2)
            {
                proxy.Cut();
            }

            try
            {
                return await inner.TrySaveAsync(token, expectedVersion, cancellationToken);
            }
            catch (TokenStoreException ex)
            {
                _firstSaveFailure.TrySetResult(ex);
                throw;
            }
        }

        public ValueTask<StoredToken?> TryMarkRefusedAsync(long expectedVersion, string reason, CancellationToken cancellationToken = default) => inner.TryMarkRefusedAsync(expectedVersion, reason, cancellationToken);

        public ValueTask<bool> TryDeleteAsync(long expectedVersion, CancellationToken cancellationToken = default) => inner.TryDeleteAsync(expectedVersion, cancellationToken);

        public ValueTask<TokenLease?> TryAcquireLeaseAsync(string owner, TimeSpan duration, CancellationToken cancellationToken = default) =>
            inner.TryAcquireLeaseAsync(owner, duration, cancellationToken);

        public ValueTask ReleaseLeaseAsync(TokenLease lease, CancellationToken cancellationToken = default) => inner.ReleaseLeaseAsync(lease, cancellationToken);
    }
}
