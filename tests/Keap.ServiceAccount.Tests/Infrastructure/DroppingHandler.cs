namespace Keap.ServiceAccount.Tests.Infrastructure;

/// <summary>
/// A network that drops every connection, counting the attempts. Deterministic where a closed loopback port is
/// not: another test may start listening on a port just freed.
/// </summary>
internal sealed class DroppingHandler : HttpMessageHandler
{
    private int _attempts;

    public int Attempts => _attempts;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _attempts);
        throw new HttpRequestException("connection reset");
    }
}
