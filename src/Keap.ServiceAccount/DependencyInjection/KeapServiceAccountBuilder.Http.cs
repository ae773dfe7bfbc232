using Keap.ServiceAccount.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Keap.ServiceAccount;

public sealed partial class KeapServiceAccountBuilder
{
    /// <summary>
    /// Customises the <see cref="IHttpClientBuilder"/> of the Keap API client (for example to add a handler or set a
    /// primary handler). Handlers added here run inside the authorization handler, once per attempt.
    /// </summary>
    /// <param name="configure">Changes the client builder.</param>
    /// <returns>This builder.</returns>
    public KeapServiceAccountBuilder ConfigureHttpClient(Action<IHttpClientBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(Services.AddHttpClient(KeapApi.HttpClientName));
        return this;
    }
}
