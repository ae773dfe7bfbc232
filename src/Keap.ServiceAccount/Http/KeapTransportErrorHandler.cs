namespace Keap.ServiceAccount.Http;

/// <summary>
/// The outermost handler of the pipeline's client: a call that got no answer or was not sent surfaces as a
/// <see cref="KeapApiException"/> for every sender, a plain <see cref="HttpClient"/> as much as a Refit client (whose
/// transport exception factory then passes it on). Answers, errors included, go back unchanged: the typed clients read
/// some of them (Keap's 404) as results.
/// </summary>
internal sealed class KeapTransportErrorHandler(TimeProvider time) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // For KeapHttp.EnsureKeapSuccessAsync: a Retry-After date is measured on the pipeline's clock.
        request.Options.Set(KeapRequestMarks.Clock, time);
        try
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            var mapped = KeapApiErrors.FromTransportFailure(request, e, cancellationToken);
            if (ReferenceEquals(mapped, e))
            {
                throw;
            }

            throw mapped;
        }
    }
}
