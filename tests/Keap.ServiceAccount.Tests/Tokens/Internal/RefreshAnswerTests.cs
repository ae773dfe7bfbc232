using Microsoft.Extensions.Logging;

namespace Keap.ServiceAccount.Tests.Tokens.Internal;

/// <summary>A 200 from /token that is not the complete answer Keap documents: whatever carries a refresh token is kept.</summary>
public sealed class RefreshAnswerTests : IDisposable
{
    private readonly FakeTokenEndpoint _endpoint = new();

    public void Dispose() => _endpoint.Dispose();

    [Theory]
    [InlineData("")]
    [InlineData(""","expires_in":0""")]
    [InlineData(""","expires_in":-60""")]
    [InlineData(",\"expires_in\":\"soon\"")]
    [InlineData(""","expires_in":null""")]
    public async Task Stores_a_rotated_refresh_token_whatever_expires_in_says_and_never_presents_the_old_one_again(string expiresIn)
    {
        using var host = TokenTestHost.Create(_endpoint);
        var seeded = await host.SeedAsync(TimeSpan.FromSeconds(-10));

        // Keap rotates (the old refresh token is dead from here) and answers without a usable lifetime.
        _endpoint.Enqueue(_ =>
        {
            var (access, refresh) = _endpoint.Issue();
            return FakeTokenEndpoint.Reply(200, $$"""{"access_token":"{{access}}","token_type":"bearer","refresh_token":"{{refresh}}"{{expiresIn}}}""");
        });

        var token = await host.Tokens.GetAccessTokenAsync(CancellationToken.None);

        Assert.Equal("SECRET-at-2", token);
        var stored = (await host.Store.GetAsync())!;
        Assert.Equal("SECRET-rt-2", stored.Token.RefreshToken);
        Assert.True(stored.Version > seeded.Version);

        // A conservative lifetime: valid now, and refreshed well before Keap's 24 hours.
        var lifetime = stored.Token.AccessTokenExpiresAt - host.Clock.GetUtcNow();
        Assert.InRange(lifetime, TimeSpan.FromMinutes(10), TimeSpan.FromHours(2));
        Assert.Contains(host.Logs.GetSnapshot(), r => r.Id.Name == "TokenAnswerIncomplete" && r.Level == LogLevel.Warning && r.Message.Contains("expires_in", StringComparison.Ordinal));

        // The next refresh presents the new refresh token, never the rotated one.
        host.Clock.Advance(lifetime);
        Assert.Equal("SECRET-at-3", await host.Tokens.GetAccessTokenAsync(CancellationToken.None));
        Assert.Equal(2, _endpoint.RefreshCalls);
        Assert.Empty(_endpoint.SpentRefreshTokensSent);
        Assert.DoesNotContain("SECRET", host.AllLogText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Uses_the_new_access_token_and_keeps_the_refresh_token_when_the_answer_carries_none()
    {
        using var host = TokenTestHost.Create(_endpoint);
        var seeded = await host.SeedAsync(TimeSpan.FromSeconds(-10));

        // RFC 6749 section 6: the server may keep the refresh token unchanged.
        _endpoint.EnqueueStatus(200, """{"access_token":"new-access","expires_in":86400,"token_type":"bearer"}""");

        var first = await host.Tokens.GetAccessTokenAsync(CancellationToken.None);
        var second = await host.Tokens.GetAccessTokenAsync(CancellationToken.None);

        Assert.Equal("new-access", first);
        Assert.Equal("new-access", second);
        Assert.Equal(1, _endpoint.RefreshCalls);
        var stored = (await host.Store.GetAsync())!;
        Assert.Equal(seeded.Token.RefreshToken, stored.Token.RefreshToken);
        Assert.Equal(host.Clock.GetUtcNow().AddSeconds(86_400), stored.Token.AccessTokenExpiresAt);
        Assert.Contains(host.Logs.GetSnapshot(), r => r.Id.Name == "TokenAnswerIncomplete" && r.Level == LogLevel.Warning && r.Message.Contains("refresh_token", StringComparison.Ordinal));
        Assert.Equal(KeapConnectionState.Connected, (await host.Authorization.GetStatusAsync()).State);
    }

    [Fact]
    public async Task Keeps_the_refresh_tokens_issue_time_when_the_answer_keeps_the_refresh_token()
    {
        // Keap's 45 days run from when the refresh token was issued: an answer that keeps it must not restart that count,
        // or the keep-alive refresh would come too late and the status would overstate the days left.
        using var host = TokenTestHost.Create(_endpoint);
        var seeded = await host.SeedAsync(TimeSpan.FromSeconds(-10), refreshTokenAge: TimeSpan.FromDays(20));
        _endpoint.EnqueueStatus(200, """{"access_token":"new-access","expires_in":86400,"token_type":"bearer"}""");

        Assert.Equal("new-access", await host.Tokens.GetAccessTokenAsync(CancellationToken.None));

        var stored = (await host.Store.GetAsync())!;
        Assert.Equal(seeded.Token.RefreshTokenIssuedAt, stored.Token.RefreshTokenIssuedAt);
        Assert.Equal(host.Clock.GetUtcNow() - TimeSpan.FromDays(20), stored.Token.RefreshTokenIssuedAt);
    }

    [Fact]
    public async Task Stores_a_new_refresh_token_that_came_without_an_access_token_and_refreshes_with_it_after_the_pause()
    {
        using var host = TokenTestHost.Create(_endpoint);
        await host.SeedAsync(TimeSpan.FromSeconds(-10));
        _endpoint.Enqueue(_ =>
        {
            var (_, refresh) = _endpoint.Issue();
            return FakeTokenEndpoint.Reply(200, $$"""{"token_type":"bearer","expires_in":86400,"refresh_token":"{{refresh}}"}""");
        });

        // No access token to serve: a transient error, but the rotated refresh token is stored, not lost.
        var error = await Assert.ThrowsAsync<KeapAuthorizationException>(() => host.Tokens.GetAccessTokenAsync(CancellationToken.None).AsTask());
        Assert.True(error.IsTransient);
        Assert.Equal("SECRET-rt-2", (await host.Store.GetAsync())!.Token.RefreshToken);

        var token = await host.AdvanceUntilAsync(RetryAsync(host), TimeSpan.FromSeconds(1));

        Assert.Equal("SECRET-at-3", token);
        Assert.Empty(_endpoint.SpentRefreshTokensSent);
        Assert.Equal(2, _endpoint.RefreshCalls);
    }

    private static async Task<string> RetryAsync(TokenTestHost host)
    {
        while (true)
        {
            try
            {
                return await host.Tokens.GetAccessTokenAsync(CancellationToken.None);
            }
            catch (KeapAuthorizationException ex) when (ex.IsTransient)
            {
                await Task.Delay(1);
            }
        }
    }
}
