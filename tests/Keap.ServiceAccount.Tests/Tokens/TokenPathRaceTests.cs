using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Keap.ServiceAccount.Tests.Tokens;

/// <summary>Interleavings of a refresh run's store read with a connect or disconnect on the same instance, and settings reloads.</summary>
public sealed class TokenPathRaceTests : IDisposable
{
    private readonly FakeTokenEndpoint _endpoint = new();

    public void Dispose() => _endpoint.Dispose();

    [Fact]
    public async Task Options_changed_after_start_do_not_alter_the_token_path()
    {
        using var other = new FakeTokenEndpoint();
        var endpoint = _endpoint.TokenUri;
        using var host = TokenTestHost.Create(_endpoint, configure: o => o.TokenEndpoint = endpoint);
        await host.SeedAsync(TimeSpan.FromSeconds(-10));
        _ = await host.Authorization.GetStatusAsync();

        // A reload the application triggers itself (or a change token it registered): the token path keeps its settings.
        endpoint = other.TokenUri;
        host.Provider.GetRequiredService<IOptionsMonitorCache<KeapServiceAccountOptions>>().Clear();
        Assert.Equal(other.TokenUri, host.Provider.GetRequiredService<IOptionsMonitor<KeapServiceAccountOptions>>().CurrentValue.TokenEndpoint);

        Assert.Equal("SECRET-at-2", await host.Tokens.GetAccessTokenAsync(CancellationToken.None));
        Assert.Equal(1, _endpoint.RefreshCalls);
        Assert.Equal(0, other.RefreshCalls);
    }
}
