using Keap.ServiceAccount.Tokens.Stores;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Keap.ServiceAccount;

/// <summary>
/// Returned by <c>AddKeapServiceAccount</c> to choose where the token is stored and to customise the HTTP pipeline.
/// </summary>
public sealed partial class KeapServiceAccountBuilder
{
    internal KeapServiceAccountBuilder(IServiceCollection services, IConfiguration? configuration = null)
    {
        Services = services;
        Configuration = configuration;
    }

    /// <summary>The service collection the Keap services were added to.</summary>
    public IServiceCollection Services { get; }

    /// <summary>The <c>Keap</c> configuration section given to <c>AddKeapServiceAccount</c>, if any; features bind their subsections from it.</summary>
    internal IConfiguration? Configuration { get; }

    /// <summary>Stores the token in an <typeparamref name="TStore"/> resolved from the container (a singleton).</summary>
    /// <typeparam name="TStore">The store type.</typeparam>
    /// <returns>This builder.</returns>
    public KeapServiceAccountBuilder UseTokenStore<TStore>()
        where TStore : class, ITokenStore
    {
        Services.RemoveAll<ITokenStore>();
        Services.AddSingleton<ITokenStore, TStore>();
        return this;
    }

    /// <summary>Stores the token in the store <paramref name="factory"/> creates (once, as a singleton).</summary>
    /// <param name="factory">Creates the store.</param>
    /// <returns>This builder.</returns>
    public KeapServiceAccountBuilder UseTokenStore(Func<IServiceProvider, ITokenStore> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Services.RemoveAll<ITokenStore>();
        Services.AddSingleton(factory);
        return this;
    }

    /// <summary>
    /// Keeps the token in this process's memory only (the default): an administrator must connect again after
    /// every restart. Use a file or SQL store in production.
    /// </summary>
    /// <returns>This builder.</returns>
    public KeapServiceAccountBuilder UseInMemoryTokenStore() => UseTokenStore<InMemoryTokenStore>();
}
