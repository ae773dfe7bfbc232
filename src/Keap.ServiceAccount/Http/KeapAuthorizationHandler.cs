using System.Net;
using System.Net.Http.Headers;
using Keap.ServiceAccount.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Keap.ServiceAccount.Http;

/// <summary>
/// Authenticates each attempt: the Service Account Key when one is configured, otherwise the current OAuth access
/// token; after a 401 it asks for a fresh token once and repeats the request with the same body.
/// </summary>
internal sealed class KeapAuthorizationHandler(IServiceProvider services, IOptions<KeapServiceAccountOptions> options) : DelegatingHandler
{
    internal const string ApiKeyHeader = "X-Keap-API-Key";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is not null)
        {
            // Buffered so that a repeat (the retry after a 401, or the resilience layer's retry of a request marked
            // repeatable) sends exactly the same body even when the content could be read only once.
            await request.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        }

        var current = options.Value;
        if (current.UsesServiceAccountKey)
        {
            request.Headers.Remove(ApiKeyHeader);
            request.Headers.TryAddWithoutValidation(ApiKeyHeader, current.ServiceAccountKey);
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        // Resolved on use: in key mode no token provider is needed at all.
        var tokens = services.GetRequiredService<IAccessTokenProvider>();
        var sent = await tokens.GetAccessTokenAsync(cancellationToken).ConfigureAwait(false);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", sent);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        response.Dispose();
        var fresh = await tokens.GetAccessTokenAfterRejectionAsync(sent, cancellationToken).ConfigureAwait(false);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fresh);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
