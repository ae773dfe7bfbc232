using Keap.ServiceAccount.Sandbox;
using Microsoft.Extensions.DependencyInjection;

namespace Keap.ServiceAccount.Benchmarks;

/// <summary>The package registered as an application would register it, pointed at a loopback server.</summary>
internal static class KeapServices
{
    // The sandbox's default client.
    private const string ClientId = "sandbox-client";
    private const string ClientSecret = "sandbox-secret";

    /// <summary>A Service Account Key the benchmarks register with the sandbox.</summary>
    public const string ServiceAccountKey = "KeapAK-benchmark-key";

    public static ServiceProvider Build(Uri apiBaseAddress, Uri tokenEndpoint, TimeProvider? time = null, Action<KeapServiceAccountOptions>? configure = null)
    {
        var services = new ServiceCollection();
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        services.AddKeapServiceAccount(o =>
        {
            o.ClientId = ClientId;
            o.ClientSecret = ClientSecret;
            o.RedirectUri = new Uri("https://app.example/keap/callback");
            o.ApiBaseAddress = apiBaseAddress;
            o.TokenEndpoint = tokenEndpoint;
            configure?.Invoke(o);
        });
        return services.BuildServiceProvider();
    }

    public static ServiceProvider ForSandbox(KeapSandboxServer sandbox, TimeProvider? time = null, Action<KeapServiceAccountOptions>? configure = null) =>
        Build(sandbox.ApiBaseAddress, sandbox.TokenEndpoint, time, configure);

    /// <summary>Stores a token as an administrator's connect would, so the manager starts from the store like in production.</summary>
    public static async Task SeedAsync(IServiceProvider services, string accessToken, string refreshToken, TimeSpan lifetime, string? scope)
    {
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var saved = await services.GetRequiredService<ITokenStore>()
            .TrySaveAsync(new KeapToken(accessToken, refreshToken, now + lifetime, now, scope), StoredToken.NoVersion)
            .ConfigureAwait(false);
        if (saved is null)
        {
            throw new InvalidOperationException("The token store already held a token.");
        }
    }

    public static Task SeedFromSandboxAsync(IServiceProvider services, KeapSandboxServer sandbox)
    {
        var grant = sandbox.IssueToken(ClientId);
        return SeedAsync(services, grant.AccessToken, grant.RefreshToken, TimeSpan.FromSeconds(grant.ExpiresIn), grant.Scope);
    }
}
