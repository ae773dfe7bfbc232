using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Keap.ServiceAccount.Tests.DependencyInjection;

public sealed class KeapServiceAccountOptionsValidationTests
{
    /// <summary>The start of the line that must name the setting, and the settings as configuration writes them (<c>Key=value; ...</c>). Plain strings, so xunit can serialise each case.</summary>
    public static TheoryData<string, string> Misconfigurations => new()
    {
        { "Keap:ApiBaseAddress must be an absolute http(s) URI", "ApiBaseAddress=ftp://api.infusionsoft.com/crm/" },
        { "Keap:ApiBaseAddress must be an absolute http(s) URI", "ApiBaseAddress=crm/" },
        { "Keap:TokenEndpoint must be an absolute http(s) URI", "TokenEndpoint=/token" },
        { "Keap:AuthorizeEndpoint must be an absolute http(s) URI", "AuthorizeEndpoint=file:///authorize" },
        { "Keap:Api:Timeouts:Attempt must be at least", "Api:Timeouts:Attempt=00:00:00" },
        { "Keap:Api:Timeouts:Total must be at least", "Api:Timeouts:Total=-00:00:01" },
        { "Keap:Api:Timeouts:Attempt (00:05:00) must not exceed Keap:Api:Timeouts:Total", "Api:Timeouts:Attempt=00:05:00" },
        { "Keap:Api:Retry:MaxAttempts must be between 0 and 10 (got '11')", "Api:Retry:MaxAttempts=11" },
        { "Keap:Tags:BatchSize must be between 1 and 1000 (got '0')", "Tags:BatchSize=0" },
        { "Keap:Tags:BatchSize must be between 1 and 1000 (got '1001')", "Tags:BatchSize=1001" },
        { "Keap:Api:Retry:BaseDelay must be positive", "Api:Retry:BaseDelay=00:00:00" },
        { "Keap:Refresh:SoftWindow must be positive and shorter than 1.00:00:00", "Refresh:SoftWindow=1.00:00:00" },
        { "Keap:Refresh:HardWindow (04:00:00) must be shorter than Keap:Refresh:SoftWindow", "Refresh:HardWindow=04:00:00" },
        { "Keap:Refresh:TokenRequestTimeout (00:00:20) must be shorter than Keap:Refresh:LeaseDuration", "Refresh:LeaseDuration=00:00:10" },
        { "Keap:Refresh:RefreshTokenKeepAliveAge (50.00:00:00) must be shorter than Keap:Refresh:RefreshTokenLifetime", "Refresh:RefreshTokenKeepAliveAge=50.00:00:00" },

        // Accepted before: a refresh whose answer window left no time to store the new token under the lease.
        { "Keap:Refresh:TokenRequestTimeout (00:00:58) must be shorter than Keap:Refresh:LeaseDuration (00:01:00) by at least 00:00:05", "Refresh:TokenRequestTimeout=00:00:58" },
        // Accepted before, then every refresh was refused as "the token store answered so slowly": the lease left no time
        // to read the store before sending.
        { "Keap:Refresh:TokenRequestTimeout (00:00:55) must be shorter than Keap:Refresh:LeaseDuration (00:01:00) by at least 00:00:05", "Refresh:TokenRequestTimeout=00:00:55" },
        { "Keap:Refresh:TokenRequestTimeout (00:00:00.8500000) must be shorter than Keap:Refresh:LeaseDuration (00:00:01)", "Refresh:LeaseDuration=00:00:01; Refresh:TokenRequestTimeout=00:00:00.85" },

        // The flat keys renamed for 1.0 were skipped without a word, the defaults running instead.
        { "Keap:ApiTotalTimeout is no longer read: set Keap:Api:Timeouts:Total instead", "ApiTotalTimeout=00:10:00" },
        { "Keap:RefreshTokenKeepAliveAge is no longer read: set Keap:Refresh:RefreshTokenKeepAliveAge instead", "RefreshTokenKeepAliveAge=10.00:00:00" },
        { "Keap:Refresh:HardWindow (02:00:00) must be at most half of Keap:Refresh:SoftWindow (03:00:00)", "Refresh:HardWindow=02:00:00" },
        { "Keap:Refresh:MinInterval (05:00:00) plus Keap:Refresh:SoftWindow (20:00:00) must fit in Keap's 24-hour access token lifetime", "Refresh:SoftWindow=20:00:00; Refresh:MinInterval=05:00:00" },
        { "Keap:Refresh:MinInterval must be positive", "Refresh:MinInterval=00:00:00" },
        { "Keap:Refresh:StoreCheckInterval must be positive", "Refresh:StoreCheckInterval=00:00:00" },
        { "Keap:Refresh:ShutdownSaveBudget must be positive", "Refresh:ShutdownSaveBudget=-00:00:01" },

        // A password in a URI would be echoed in this message and kept in every logged URI: refused, and never quoted.
        { "Keap:ApiBaseAddress must be an absolute http(s) URI without user info (got 'ftp://api.infusionsoft.com/crm/')", "ApiBaseAddress=ftp://user:SECRET@api.infusionsoft.com/crm" },
        { "Keap:TokenEndpoint must be an absolute http(s) URI without user info (got 'https://api.infusionsoft.com/token')", "TokenEndpoint=https://user:SECRET@api.infusionsoft.com/token" },

        // Accepted at start-up before, then every API call failed: the resilience pipeline's own limits (10 ms to 1 day).
        { "Keap:Api:Timeouts:Attempt must be at least 00:00:00.0100000 and at most 1.00:00:00", "Api:Timeouts:Attempt=00:00:00.001" },
        { "Keap:Api:Timeouts:Total must be at least 00:00:00.0100000 and at most 1.00:00:00", "Api:Timeouts:Total=2.00:00:00" },
        { "Keap:Api:Retry:BaseDelay must be positive and at most 1.00:00:00", "Api:Retry:BaseDelay=2.00:00:00" },

        // Accepted before, then the token path overflowed its clock arithmetic or its timer on first use.
        { "Keap:Refresh:TokenRequestTimeout must be positive and at most 1.00:00:00", "Refresh:TokenRequestTimeout=60.00:00:00" },
        { "Keap:Refresh:LeaseDuration must be positive and at most 1.00:00:00", "Refresh:LeaseDuration=10675199.00:00:00" },
        { "Keap:Authorization:StateLifetime must be positive and at most 1.00:00:00", "Authorization:StateLifetime=10675199.00:00:00" },
        { "Keap:Refresh:RefreshTokenLifetime must be positive and at most 365.00:00:00", "Refresh:RefreshTokenLifetime=10675199.00:00:00" },
        { "Keap:Refresh:RefreshTokenKeepAliveAge must be positive and at most 365.00:00:00", "Refresh:RefreshTokenKeepAliveAge=10675199.00:00:00" },
        { "Keap:Refresh:StoreCheckInterval must be positive and at most 1.00:00:00", "Refresh:StoreCheckInterval=10675199.00:00:00" },
        { "Keap:Refresh:ShutdownSaveBudget must be positive and at most 1.00:00:00", "Refresh:ShutdownSaveBudget=10675199.00:00:00" },

        // The sum in the cross-field rule overflowed: start-up failed with an OverflowException naming nothing.
        { "Keap:Refresh:MinInterval (10675199.00:00:00) plus Keap:Refresh:SoftWindow (03:00:00) must fit", "Refresh:MinInterval=10675199.00:00:00" },
        { "Keap:Refresh:SoftWindow must be positive and shorter than 1.00:00:00", "Refresh:SoftWindow=10675199.00:00:00; Refresh:HardWindow=10000000.00:00:00" },

        // The circuit breaker, exposed: Polly's own bounds, checked at start-up instead of failing the first call.
        { "Keap:Api:CircuitBreaker:FailureRatio must be greater than 0 and at most 1 (got '0')", "Api:CircuitBreaker:FailureRatio=0" },
        { "Keap:Api:CircuitBreaker:FailureRatio must be greater than 0 and at most 1 (got '1.5')", "Api:CircuitBreaker:FailureRatio=1.5" },
        { "Keap:Api:CircuitBreaker:MinimumThroughput must be at least 2 (got '1')", "Api:CircuitBreaker:MinimumThroughput=1" },
        { "Keap:Api:CircuitBreaker:SamplingDuration must be at least 00:00:00.5000000 and at most 1.00:00:00", "Api:CircuitBreaker:SamplingDuration=00:00:00.100" },
        { "Keap:Api:CircuitBreaker:BreakDuration must be at least 00:00:00.5000000 and at most 1.00:00:00", "Api:CircuitBreaker:BreakDuration=2.00:00:00" },

        // The relations Microsoft's resilience package checks: attempts that time out must be counted by the breaker, and
        // the back-off alone must leave the total timeout room for the last retries.
        { "Keap:Api:CircuitBreaker:SamplingDuration (00:00:50) must be at least twice Keap:Api:Timeouts:Attempt (00:00:30)", "Api:CircuitBreaker:SamplingDuration=00:00:50" },
        { "Keap:Api:CircuitBreaker:SamplingDuration (00:01:00) must be at least twice Keap:Api:Timeouts:Attempt (00:00:40)", "Api:Timeouts:Attempt=00:00:40" },
        { "Keap:Api:Retry:BaseDelay (00:00:10), doubled for each of Keap:Api:Retry:MaxAttempts (4) retries, waits 00:02:30 in all, which must be shorter than Keap:Api:Timeouts:Total (00:02:00)", "Api:Retry:BaseDelay=00:00:10" },
        { "Keap:Api:Retry:BaseDelay (00:00:01), doubled for each of Keap:Api:Retry:MaxAttempts (10) retries, waits 00:17:03 in all", "Api:Retry:MaxAttempts=10" },
        { "Keap:Api:Retry:BaseDelay (00:00:01), doubled for each of Keap:Api:Retry:MaxAttempts (4) retries, waits 00:00:15 in all, which must be shorter than Keap:Api:Timeouts:Total (00:00:15)", "Api:Timeouts:Total=00:00:15; Api:Timeouts:Attempt=00:00:05" },

        // The client-side rate limit, in its own section.
        { "Keap:RateLimit:InstanceShare must be greater than 0 and at most 1 (got '0')", "RateLimit:InstanceShare=0" },
        { "Keap:RateLimit:InstanceShare must be greater than 0 and at most 1 (got '1.5')", "RateLimit:InstanceShare=1.5" },
        { "Keap:RateLimit:RequestsPerSecond must be positive (got '0')", "RateLimit:RequestsPerSecond=0" },
        { "Keap:RateLimit:RequestsPerMinute must be at least 1 (got '0')", "RateLimit:RequestsPerMinute=0" },
        { "Keap:RateLimit:AccountRequestsPerMinute must be at least 1 (got '0')", "RateLimit:AccountRequestsPerMinute=0" },
        { "Keap:RateLimit:QueueLimit must not be negative (got '-1')", "RateLimit:QueueLimit=-1" },
    };

    [Theory]
    [MemberData(nameof(Misconfigurations))]
    public async Task Host_start_fails_with_a_line_naming_the_option(string expected, string settings)
    {
        var values = new Dictionary<string, string?> { ["Keap:ServiceAccountKey"] = "KeapAK-SECRET" };
        foreach (var setting in settings.Split("; "))
        {
            var (key, value) = (setting[..setting.IndexOf('=', StringComparison.Ordinal)], setting[(setting.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            values["Keap:" + key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddKeapServiceAccount(configuration.GetSection("Keap"));
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(Lines(error), line => line.StartsWith("- " + expected, StringComparison.Ordinal));
        Assert.DoesNotContain("SECRET", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_invalid_option_is_listed_once_in_one_message()
    {
        using var host = Build(o =>
        {
            o.Tags.BatchSize = 0;
            o.Refresh.HardWindow = TimeSpan.FromHours(4);
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        var failure = Assert.Single(error.Failures);
        Assert.Equal(failure, error.Message);
        Assert.DoesNotContain(".;", error.Message, StringComparison.Ordinal);
        Assert.Equal(
            [
                "Invalid Keap settings (5):",
                "- Keap:Tags:BatchSize must be between 1 and 1000 (got '0').",
                "- Keap:ClientId is required (the key of your Keap developer app), unless Keap:ServiceAccountKey is set.",
                "- Keap:ClientSecret is required (the secret of your Keap developer app), unless Keap:ServiceAccountKey is set.",
                "- Keap:RedirectUri is required: the absolute http(s) callback URI registered with your Keap app, unless Keap:ServiceAccountKey is set.",
                "- Keap:Refresh:HardWindow (04:00:00) must be shorter than Keap:Refresh:SoftWindow (03:00:00).",
            ],
            Lines(error));
    }

    [Theory]
    [InlineData("Api:Timeouts:Attempt=00:00:30; Api:CircuitBreaker:SamplingDuration=00:01:00")] // exactly twice
    [InlineData("Api:Retry:BaseDelay=00:00:07; Api:Timeouts:Total=00:01:46")] // 7 + 14 + 28 + 56 = 105 s, just under
    [InlineData("Api:Retry:MaxAttempts=0; Api:Retry:BaseDelay=1.00:00:00")] // no retries, no back-off
    public async Task Host_starts_when_the_api_timeouts_fit_each_other(string settings)
    {
        var values = new Dictionary<string, string?> { ["Keap:ServiceAccountKey"] = "KeapAK-test" };
        foreach (var setting in settings.Split("; "))
        {
            values["Keap:" + setting[..setting.IndexOf('=', StringComparison.Ordinal)]] = setting[(setting.IndexOf('=', StringComparison.Ordinal) + 1)..];
        }

        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddKeapServiceAccount(new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection("Keap"));
        using var host = builder.Build();

        await host.StartAsync();
        await host.StopAsync();
    }

    [Fact]
    public void Every_group_binds_from_its_own_section()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Keap:ServiceAccountKey"] = "KeapAK-test",
            ["Keap:Refresh:SoftWindow"] = "02:00:00",
            ["Keap:Refresh:LeaseDuration"] = "00:02:00",
            ["Keap:Authorization:StateLifetime"] = "00:05:00",
            ["Keap:Api:Timeouts:Attempt"] = "00:00:10",
            ["Keap:Api:Retry:MaxAttempts"] = "2",
            ["Keap:Api:CircuitBreaker:FailureRatio"] = "0.5",
            ["Keap:Api:QuotaPacing"] = "false",
            ["Keap:Tags:BatchSize"] = "25",
        }).Build();
        var services = new ServiceCollection();
        services.AddKeapServiceAccount(configuration.GetSection("Keap"));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<KeapServiceAccountOptions>>().Value;

        Assert.Equal(TimeSpan.FromHours(2), options.Refresh.SoftWindow);
        Assert.Equal(TimeSpan.FromMinutes(2), options.Refresh.LeaseDuration);
        Assert.Equal(TimeSpan.FromMinutes(5), options.Authorization.StateLifetime);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Api.Timeouts.Attempt);
        Assert.Equal(2, options.Api.Retry.MaxAttempts);
        Assert.Equal(0.5, options.Api.CircuitBreaker.FailureRatio);
        Assert.False(options.Api.QuotaPacing);
        Assert.Equal(25, options.Tags.BatchSize);
    }

    /// <summary>
    /// The key is sent as a header, which carries only ASCII: before, such a key passed start-up and every call then
    /// failed as "got no answer from Keap" after retries. The message must not quote the key.
    /// </summary>
    [Theory]
    [InlineData("KeapAK-SECRÉT")]
    [InlineData("KeapAK-SECRET\u200B")]
    [InlineData("KeapAK-SEC RET")]
    [InlineData("KeapAK-SECRET\r\nX-Injected: 1")]
    public async Task Host_start_fails_for_a_service_account_key_a_header_cannot_carry(string escapedKey)
    {
        using var host = Build(o => o.ServiceAccountKey = System.Text.RegularExpressions.Regex.Unescape(escapedKey));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(Lines(error), line => line.StartsWith("- Keap:ServiceAccountKey must be visible ASCII characters", StringComparison.Ordinal));
        Assert.DoesNotContain("SEC", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Starts_with_a_service_account_key_read_from_a_file_with_its_line_break()
    {
        using var host = Build(o => o.ServiceAccountKey = "KeapAK-SECRET\n");

        await host.StartAsync();
        await host.StopAsync();
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
            ["Keap:Tags:BatchSize"] = "50",
        }).Build();
        var services = new ServiceCollection();
        services.AddKeapServiceAccount(configuration.GetSection("Keap"));
        using var provider = services.BuildServiceProvider();
        var monitor = provider.GetRequiredService<IOptionsMonitor<KeapServiceAccountOptions>>();
        Assert.Equal(50, monitor.CurrentValue.Tags.BatchSize);

        // An invalid edit: applied, it would fail every later read of the settings in the middle of a call.
        configuration["Keap:Tags:BatchSize"] = "0";
        configuration.Reload();

        Assert.Equal(50, monitor.CurrentValue.Tags.BatchSize);
        Assert.Equal(50, provider.GetRequiredService<IOptions<KeapServiceAccountOptions>>().Value.Tags.BatchSize);
    }

    private static string[] Lines(OptionsValidationException error) => error.Message.Split(Environment.NewLine);

    private static IHost Build(Action<KeapServiceAccountOptions> configure)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddKeapServiceAccount(configure);
        return builder.Build();
    }
}
