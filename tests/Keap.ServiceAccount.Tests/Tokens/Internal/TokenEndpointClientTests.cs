using System.Text;
using Keap.ServiceAccount.Tests.Infrastructure;
using Keap.ServiceAccount.Tokens.Internal;
using Microsoft.Extensions.DependencyInjection;

namespace Keap.ServiceAccount.Tests.Tokens.Internal;

public sealed class TokenEndpointClientTests : IDisposable
{
    private readonly FakeTokenEndpoint _endpoint = new();

    public void Dispose() => _endpoint.Dispose();

    [Fact]
    public async Task Refreshes_with_basic_credentials_and_parses_the_token()
    {
        using var host = TokenTestHost.Create(_endpoint);
        var refresh = _endpoint.Issue().RefreshToken;

        var result = await Client(host).RefreshAsync(refresh, CancellationToken.None);

        Assert.Equal(TokenEndpointError.None, result.Error);
        Assert.Equal("SECRET-at-2", result.Token!.AccessToken);
        Assert.Equal("SECRET-rt-2", result.Token.RefreshToken);
        Assert.Equal(host.Clock.GetUtcNow().AddDays(1), result.Token.AccessTokenExpiresAt);
        Assert.Equal("ab123.infusionsoft.com", result.Token.Account);
        var expected = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{FakeTokenEndpoint.ClientId}:{FakeTokenEndpoint.ClientSecret}"));
        Assert.Equal($"Basic {expected}", _endpoint.RequestHeaders.Single()!["Authorization"].Single());
        Assert.Equal($"grant_type=refresh_token&refresh_token={refresh}", _endpoint.RequestBodies.Single());
    }

    [Theory]
    [InlineData(400, """{"error":"invalid_grant","error_description":"Invalid refresh token"}""", nameof(TokenEndpointError.InvalidGrant))]
    [InlineData(400, """{"error":"invalid_request","error_description":"Invalid Refresh Token"}""", nameof(TokenEndpointError.InvalidGrant))]
    [InlineData(401, """{"error":"invalid_client","error_description":"Bad client"}""", nameof(TokenEndpointError.InvalidClient))]
    [InlineData(400, """{"error":"unsupported_grant_type"}""", nameof(TokenEndpointError.OAuthError))]
    [InlineData(400, "<html>Bad Request</html>", nameof(TokenEndpointError.InvalidResponse))]
    [InlineData(200, """{"access_token":"x"}""", nameof(TokenEndpointError.InvalidResponse))]
    [InlineData(502, "<html>Bad Gateway</html>", nameof(TokenEndpointError.ServerError))]
    [InlineData(500, """{"error":"server_error"}""", nameof(TokenEndpointError.ServerError))]
    [InlineData(429, """{"code":"429","message":"Quota Exceeded","status":"Request Throttled"}""", nameof(TokenEndpointError.ServerError))]
    public async Task Maps_each_failure_to_a_specific_result(int status, string body, string expected)
    {
        using var host = TokenTestHost.Create(_endpoint);
        _endpoint.EnqueueStatus(status, body);

        var result = await Client(host).RefreshAsync("SECRET-rt-x", CancellationToken.None);

        Assert.Equal(expected, result.Error.ToString());
        Assert.Null(result.Token);
        Assert.DoesNotContain("SECRET", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reads_expires_in_written_as_a_string()
    {
        using var host = TokenTestHost.Create(_endpoint);
        _endpoint.EnqueueStatus(200, """{"access_token":"a","refresh_token":"r","expires_in":"3600","token_type":"bearer"}""");

        var result = await Client(host).RefreshAsync("SECRET-rt-x", CancellationToken.None);

        Assert.Equal(host.Clock.GetUtcNow().AddHours(1), result.Token!.AccessTokenExpiresAt);
    }

    [Fact]
    public async Task Reports_a_transport_error_when_the_connection_drops()
    {
        var network = new DroppingHandler();
        using var host = TokenTestHost.Create(
            _endpoint,
            build: b => b.Services.AddHttpClient(TokenEndpointClient.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => network));

        var result = await Client(host).RefreshAsync("SECRET-rt-x", CancellationToken.None);

        Assert.Equal(TokenEndpointError.Transport, result.Error);
        Assert.True(result.IsTransient);
        Assert.Equal(1, network.Attempts);
        Assert.DoesNotContain("SECRET", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reports_a_timeout_on_the_clock()
    {
        using var host = TokenTestHost.Create(_endpoint);
        var reply = new TaskCompletionSource();
        var arrived = new TaskCompletionSource();
        _endpoint.Enqueue(_ =>
        {
            arrived.SetResult();
            reply.Task.Wait(TimeSpan.FromSeconds(30));
            return null;
        });

        var call = Client(host).RefreshAsync(_endpoint.Issue().RefreshToken, CancellationToken.None);
        await arrived.Task;
        host.Clock.Advance(TimeSpan.FromSeconds(21));
        var result = await call;
        reply.SetResult();

        Assert.Equal(TokenEndpointError.Timeout, result.Error);
    }

    private static TokenEndpointClient Client(TokenTestHost host) => host.Provider.GetRequiredService<TokenEndpointClient>();
}
