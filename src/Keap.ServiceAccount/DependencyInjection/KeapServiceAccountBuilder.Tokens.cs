using Keap.ServiceAccount.Tokens.Stores;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Keap.ServiceAccount;

public sealed partial class KeapServiceAccountBuilder
{
    /// <summary>
    /// Stores the token in a JSON file (keep it outside the web root), written atomically with owner-only
    /// permissions; processes on one machine sharing the file coordinate refreshes through a lock file beside it.
    /// Uses the registered <see cref="ITokenProtector"/>, if any.
    /// </summary>
    /// <param name="path">The token file's path.</param>
    /// <returns>This builder.</returns>
    public KeapServiceAccountBuilder UseFileTokenStore(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return UseTokenStore(sp => new FileTokenStore(path, sp.GetService<ITokenProtector>(), sp.GetRequiredService<TimeProvider>()));
    }

    /// <summary>Protects the stored token with <typeparamref name="TProtector"/> (a singleton).</summary>
    /// <typeparam name="TProtector">The protector type.</typeparam>
    /// <returns>This builder.</returns>
    public KeapServiceAccountBuilder UseTokenProtector<TProtector>()
        where TProtector : class, ITokenProtector
    {
        Services.RemoveAll<ITokenProtector>();
        Services.AddSingleton<ITokenProtector, TProtector>();
        return this;
    }

    /// <summary>Protects the stored token with the protector <paramref name="factory"/> creates (once, as a singleton).</summary>
    /// <param name="factory">Creates the protector.</param>
    /// <returns>This builder.</returns>
    public KeapServiceAccountBuilder UseTokenProtector(Func<IServiceProvider, ITokenProtector> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Services.RemoveAll<ITokenProtector>();
        Services.AddSingleton(factory);
        return this;
    }
}
