using Keap.ServiceAccount.Sandbox;
using Keap.ServiceAccount.Tests.Infrastructure;
using Npgsql;

namespace Keap.ServiceAccount.Tests.Tokens.Farm;

/// <summary>What the web-farm tests share: the sandbox's rotating token endpoint and a fresh PostgreSQL table, dropped afterwards.</summary>
public sealed class FarmEnvironment : IAsyncDisposable
{
    public const string ClientId = "farm-client";
    public const string ClientSecret = "farm-client-secret";

    private FarmEnvironment(KeapSandboxServer sandbox) => Sandbox = sandbox;

    public KeapSandboxServer Sandbox { get; }

    public string Table { get; } = $"keap_test_{Guid.NewGuid():N}";

    /// <summary>Starts the sandbox, or returns <see langword="null"/> when the PostgreSQL tests are skipped.</summary>
    public static async Task<FarmEnvironment?> StartAsync()
    {
        if (PostgresServer.SkipReason is not null)
        {
            return null;
        }

        var sandbox = await KeapSandboxServer.StartAsync(o => o.Apps.Add(new KeapSandboxApp { ClientId = ClientId, ClientSecret = ClientSecret, AllowAnyRedirectUri = true }));
        return new FarmEnvironment(sandbox);
    }

    /// <summary>Stores a sandbox token whose access token has already expired.</summary>
    public async Task<StoredToken> SeedExpiredTokenAsync(ITokenStore store)
    {
        var grant = Sandbox.IssueToken(ClientId);
        var now = TimeProvider.System.GetUtcNow();
        return (await store.TrySaveAsync(new KeapToken(grant.AccessToken, grant.RefreshToken, now.AddMinutes(-1), now, grant.Scope), StoredToken.NoVersion))!;
    }

    public async ValueTask DisposeAsync()
    {
        await using (var dataSource = NpgsqlDataSource.Create(PostgresServer.ConnectionString))
        await using (var drop = dataSource.CreateCommand($"DROP TABLE IF EXISTS {Table}"))
        {
            await drop.ExecuteNonQueryAsync();
        }

        await Sandbox.DisposeAsync();
    }
}
