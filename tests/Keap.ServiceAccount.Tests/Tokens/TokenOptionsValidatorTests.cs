using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Keap.ServiceAccount.Tests.Tokens;

public sealed class TokenOptionsValidatorTests
{
    [Fact]
    public async Task Stops_the_host_naming_every_missing_option()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddKeapServiceAccount(_ => { });
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Keap:ClientId is required", error.Message, StringComparison.Ordinal);
        Assert.Contains("Keap:ClientSecret is required", error.Message, StringComparison.Ordinal);
        Assert.Contains("Keap:RedirectUri is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rejects_inconsistent_windows_and_durations()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddKeapServiceAccount(o =>
        {
            o.ServiceAccountKey = "KeapAK-SECRET";
            o.HardRefreshWindow = TimeSpan.FromHours(4);
            o.RefreshLeaseDuration = TimeSpan.FromSeconds(10);
            o.RefreshTokenKeepAliveAge = TimeSpan.FromDays(50);
        });
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Keap:HardRefreshWindow", error.Message, StringComparison.Ordinal);
        Assert.Contains("Keap:RefreshLeaseDuration", error.Message, StringComparison.Ordinal);
        Assert.Contains("Keap:RefreshTokenKeepAliveAge", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("ClientId", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Names_the_windows_that_cannot_fit_in_Keaps_token_lifetime()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddKeapServiceAccount(o =>
        {
            o.ServiceAccountKey = "KeapAK-SECRET";
            o.SoftRefreshWindow = TimeSpan.FromHours(20);
            o.HardRefreshWindow = TimeSpan.FromHours(11);
            o.MinRefreshInterval = TimeSpan.FromHours(5);
            o.StoreCheckInterval = TimeSpan.Zero;
        });
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Keap:MinRefreshInterval (05:00:00) plus Keap:SoftRefreshWindow (20:00:00) must fit", error.Message, StringComparison.Ordinal);
        Assert.Contains("Keap:HardRefreshWindow (11:00:00) must be at most half of Keap:SoftRefreshWindow", error.Message, StringComparison.Ordinal);
        Assert.Contains("Keap:StoreCheckInterval must be positive", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Starts_with_a_service_account_key_alone()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddKeapServiceAccount(o => o.ServiceAccountKey = "KeapAK-SECRET");
        using var host = builder.Build();

        await host.StartAsync();
        var status = await host.Services.GetRequiredService<IKeapAuthorization>().GetStatusAsync();
        await host.StopAsync();

        Assert.True(status.UsesServiceAccountKey);
    }
}
