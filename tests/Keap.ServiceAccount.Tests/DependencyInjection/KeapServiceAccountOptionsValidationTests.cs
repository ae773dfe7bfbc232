using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Keap.ServiceAccount.Tests.DependencyInjection;

public sealed class KeapServiceAccountOptionsValidationTests
{
    public static TheoryData<string, Action<KeapServiceAccountOptions>> Misconfigurations => new()
    {
        { "Keap:ApiBaseAddress must be an absolute http(s) URI", o => o.ApiBaseAddress = new Uri("ftp://api.infusionsoft.com/crm/") },
        { "Keap:ApiBaseAddress must be an absolute http(s) URI", o => o.ApiBaseAddress = new Uri("crm/", UriKind.Relative) },
        { "Keap:TokenEndpoint must be an absolute http(s) URI", o => o.TokenEndpoint = new Uri("/token", UriKind.Relative) },
        { "Keap:AuthorizeEndpoint must be an absolute http(s) URI", o => o.AuthorizeEndpoint = new Uri("file:///authorize") },
        { "Keap:ApiAttemptTimeout must be positive", o => o.ApiAttemptTimeout = TimeSpan.Zero },
        { "Keap:ApiTotalTimeout must be positive", o => o.ApiTotalTimeout = TimeSpan.FromSeconds(-1) },
        { "Keap:ApiAttemptTimeout (00:05:00) must not exceed Keap:ApiTotalTimeout", o => o.ApiAttemptTimeout = TimeSpan.FromMinutes(5) },
        { "Keap:ApiMaxRetryAttempts must be between 0 and 10 (got '11')", o => o.ApiMaxRetryAttempts = 11 },
        { "Keap:TagBatchSize must be between 1 and 1000 (got '0')", o => o.TagBatchSize = 0 },
        { "Keap:TagBatchSize must be between 1 and 1000 (got '1001')", o => o.TagBatchSize = 1001 },
        { "Keap:ApiRetryBaseDelay must be positive", o => o.ApiRetryBaseDelay = TimeSpan.Zero },
        { "Keap:SoftRefreshWindow must be positive and shorter than 1.00:00:00", o => o.SoftRefreshWindow = TimeSpan.FromHours(24) },
        { "Keap:HardRefreshWindow (04:00:00) must be shorter than Keap:SoftRefreshWindow", o => o.HardRefreshWindow = TimeSpan.FromHours(4) },
        { "Keap:TokenRequestTimeout (00:00:20) must be shorter than Keap:RefreshLeaseDuration", o => o.RefreshLeaseDuration = TimeSpan.FromSeconds(10) },
        { "Keap:RefreshTokenKeepAliveAge (50.00:00:00) must be shorter than Keap:RefreshTokenLifetime", o => o.RefreshTokenKeepAliveAge = TimeSpan.FromDays(50) },
        { "Keap:HardRefreshWindow (02:00:00) must be at most half of Keap:SoftRefreshWindow (03:00:00)", o => o.HardRefreshWindow = TimeSpan.FromHours(2) },
        { "Keap:MinRefreshInterval (05:00:00) plus Keap:SoftRefreshWindow (20:00:00) must fit in Keap's 24-hour access token lifetime", o => (o.SoftRefreshWindow, o.MinRefreshInterval) = (TimeSpan.FromHours(20), TimeSpan.FromHours(5)) },
        { "Keap:MinRefreshInterval must be positive", o => o.MinRefreshInterval = TimeSpan.Zero },
        { "Keap:StoreCheckInterval must be positive", o => o.StoreCheckInterval = TimeSpan.Zero },
        { "Keap:ShutdownSaveBudget must be positive", o => o.ShutdownSaveBudget = TimeSpan.FromSeconds(-1) },
        { "Keap:RateLimit:InstanceShare must be greater than 0 and at most 1 (got '0')", o => o.RateLimit.InstanceShare = 0 },
        { "Keap:RateLimit:InstanceShare must be greater than 0 and at most 1 (got '1.5')", o => o.RateLimit.InstanceShare = 1.5 },
        { "Keap:RateLimit:RequestsPerSecond must be positive (got '0')", o => o.RateLimit.RequestsPerSecond = 0 },
        { "Keap:RateLimit:RequestsPerMinute must be at least 1 (got '0')", o => o.RateLimit.RequestsPerMinute = 0 },
        { "Keap:RateLimit:AccountRequestsPerMinute must be at least 1 (got '0')", o => o.RateLimit.AccountRequestsPerMinute = 0 },
        { "Keap:RateLimit:QueueLimit must not be negative (got '-1')", o => o.RateLimit.QueueLimit = -1 },
    };

    [Theory]
    [MemberData(nameof(Misconfigurations))]
    public async Task Host_start_fails_with_a_line_naming_the_option(string expected, Action<KeapServiceAccountOptions> misconfigure)
    {
        using var host = Build(o =>
        {
            o.ServiceAccountKey = "KeapAK-SECRET";
            misconfigure(o);
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(Lines(error), line => line.StartsWith("- " + expected, StringComparison.Ordinal));
        Assert.DoesNotContain("SECRET", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_invalid_option_is_listed_once_in_one_message()
    {
        using var host = Build(o =>
        {
            o.TagBatchSize = 0;
            o.HardRefreshWindow = TimeSpan.FromHours(4);
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        var failure = Assert.Single(error.Failures);
        Assert.Equal(failure, error.Message);
        Assert.DoesNotContain(".;", error.Message, StringComparison.Ordinal);
        Assert.Equal(
            [
                "Invalid Keap settings (5):",
                "- Keap:TagBatchSize must be between 1 and 1000 (got '0').",
                "- Keap:ClientId is required (the key of your Keap developer app), unless Keap:ServiceAccountKey is set.",
                "- Keap:ClientSecret is required (the secret of your Keap developer app), unless Keap:ServiceAccountKey is set.",
                "- Keap:RedirectUri is required: the absolute http(s) callback URI registered with your Keap app, unless Keap:ServiceAccountKey is set.",
                "- Keap:HardRefreshWindow (04:00:00) must be shorter than Keap:SoftRefreshWindow (03:00:00).",
            ],
            Lines(error));
    }

    [Fact]
    public async Task Starts_with_a_service_account_key_alone()
    {
        using var host = Build(o => o.ServiceAccountKey = "KeapAK-SECRET");

        await host.StartAsync();
        var status = await host.Services.GetRequiredService<IKeapAuthorization>().GetStatusAsync();
        await host.StopAsync();

        Assert.True(status.UsesServiceAccountKey);
    }

    [Theory]
    [InlineData("https://api.example/crm", "https://api.example/crm/")]
    [InlineData("https://api.example/crm/", "https://api.example/crm/")]
    [InlineData("http://127.0.0.1:5000", "http://127.0.0.1:5000/")]
    public async Task An_api_base_address_without_a_trailing_slash_is_completed_not_rejected(string configured, string expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Keap:ServiceAccountKey"] = "KeapAK-test",
            ["Keap:ApiBaseAddress"] = configured,
        }).Build();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddKeapServiceAccount(configuration.GetSection("Keap"));
        using var host = builder.Build();

        await host.StartAsync();
        var options = host.Services.GetRequiredService<IOptions<KeapServiceAccountOptions>>().Value;
        await host.StopAsync();

        Assert.Equal(new Uri(expected), options.ApiBaseAddress);
    }

    [Fact]
    public void The_rate_limit_binds_from_its_own_section()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Keap:ServiceAccountKey"] = "KeapAK-test",
            ["Keap:RateLimit:InstanceShare"] = "0.25",
            ["Keap:RateLimit:RequestsPerSecond"] = "5",
            ["Keap:RateLimit:QueueLimit"] = "50",
        }).Build();
        var services = new ServiceCollection();
        services.AddKeapServiceAccount(configuration.GetSection("Keap"));
        using var provider = services.BuildServiceProvider();

        var rate = provider.GetRequiredService<IOptions<KeapServiceAccountOptions>>().Value.RateLimit;

        Assert.Equal(0.25, rate.InstanceShare);
        Assert.Equal(5, rate.RequestsPerSecond);
        Assert.Equal(50, rate.QueueLimit);
        Assert.True(rate.Enabled);
    }

    [Fact]
    public void A_configuration_reload_does_not_change_the_running_settings()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Keap:ServiceAccountKey"] = "KeapAK-test",
            ["Keap:TagBatchSize"] = "50",
        }).Build();
        var services = new ServiceCollection();
        services.AddKeapServiceAccount(configuration.GetSection("Keap"));
        using var provider = services.BuildServiceProvider();
        var monitor = provider.GetRequiredService<IOptionsMonitor<KeapServiceAccountOptions>>();
        Assert.Equal(50, monitor.CurrentValue.TagBatchSize);

        // An invalid edit: applied, it would fail every later read of the settings in the middle of a call.
        configuration["Keap:TagBatchSize"] = "0";
        configuration.Reload();

        Assert.Equal(50, monitor.CurrentValue.TagBatchSize);
        Assert.Equal(50, provider.GetRequiredService<IOptions<KeapServiceAccountOptions>>().Value.TagBatchSize);
    }

    private static string[] Lines(OptionsValidationException error) => error.Message.Split(Environment.NewLine);

    private static IHost Build(Action<KeapServiceAccountOptions> configure)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddKeapServiceAccount(configure);
        return builder.Build();
    }
}
