using Keap.ServiceAccount.Tokens.Stores;
using Keap.ServiceAccount.Tokens.Stores.Sql;
using Microsoft.Extensions.DependencyInjection;

namespace Keap.ServiceAccount.Hooks;

/// <summary>Picks the path-secret store that goes with the registered token store.</summary>
internal static class HookSecretStores
{
    /// <summary>The secret store beside the built-in token store the container holds.</summary>
    /// <exception cref="InvalidOperationException">The token store is the application's own: it must register a secret store too.</exception>
    public static IKeapHookSecretStore Beside(IServiceProvider services) => services.GetRequiredService<ITokenStore>() switch
    {
        InMemoryTokenStore => new InMemoryHookSecretStore(),
        FileTokenStore file => new FileHookSecretStore(file),
        SqlTokenStore sql => new SqlHookSecretStore(sql),
        var other => throw new InvalidOperationException(
            $"REST hooks need a place for the receiver's path secret that every instance shares, and the token store {other.GetType().Name} is the application's own: " +
            "register one with UseHookSecretStore<T>() or UseHookSecretStore(factory) after AddKeapServiceAccount (an IKeapHookSecretStore), or use the file or SQL token store."),
    };
}
