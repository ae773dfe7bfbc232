using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Keap.ServiceAccount.Tests.Http;

public sealed class ApiOptionsValidatorTests
{
    public static TheoryData<string, Action<KeapServiceAccountOptions>> Misconfigurations => new()
    {
        { "Keap:ApiBaseAddress must be an absolute http(s) URI ending with '/'", o => o.ApiBaseAddress = new Uri("https://api.infusionsoft.com/crm") },
        { "Keap:ApiBaseAddress must be an absolute http(s) URI ending with '/'", o => o.ApiBaseAddress = new Uri("ftp://api.infusionsoft.com/crm/") },
        { "Keap:ApiBaseAddress must be an absolute http(s) URI ending with '/'", o => o.ApiBaseAddress = new Uri("crm/", UriKind.Relative) },
        { "Keap:ApiAttemptTimeout must be positive", o => o.ApiAttemptTimeout = TimeSpan.Zero },
        { "Keap:ApiTotalTimeout must be positive", o => o.ApiTotalTimeout = TimeSpan.FromSeconds(-1) },
        { "Keap:ApiAttemptTimeout must not exceed Keap:ApiTotalTimeout", o => o.ApiAttemptTimeout = TimeSpan.FromMinutes(5) },
        { "Keap:ApiMaxRetryAttempts must be between 0 and 10", o => o.ApiMaxRetryAttempts = 11 },
        { "Keap:TagBatchSize must be between 1 and 1000", o => o.TagBatchSize = 0 },
        { "Keap:TagBatchSize must be between 1 and 1000", o => o.TagBatchSize = 1001 },
        { "Keap:ApiRetryBaseDelay must be positive", o => o.ApiRetryBaseDelay = TimeSpan.Zero },
        { "Keap:RateLimit:InstanceShare must be greater than 0 and at most 1", o => o.RateLimit.InstanceShare = 0 },
        { "Keap:RateLimit:InstanceShare must be greater than 0 and at most 1", o => o.RateLimit.InstanceShare = 1.5 },
        { "Keap:RateLimit:RequestsPerSecond must be positive", o => o.RateLimit.RequestsPerSecond = 0 },
        { "Keap:RateLimit:RequestsPerMinute and AccountRequestsPerMinute must be at least 1", o => o.RateLimit.RequestsPerMinute = 0 },
        { "Keap:RateLimit:QueueLimit must not be negative", o => o.RateLimit.QueueLimit = -1 },
    };

    [Theory]
    [MemberData(nameof(Misconfigurations))]
    public async Task Host_start_fails_with_a_message_naming_the_option(string expected, Action<KeapServiceAccountOptions> misconfigure)
    {
        using var host = Build(o =>
        {
            o.ServiceAccountKey = "KeapAK-test";
            misconfigure(o);
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(error.Failures, f => f.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Host_starts_with_the_defaults()
    {
        using var host = Build(o => o.ServiceAccountKey = "KeapAK-test");

        await host.StartAsync();
        await host.StopAsync();
    }

    private static IHost Build(Action<KeapServiceAccountOptions> configure)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddKeapServiceAccount(configure);
        return builder.Build();
    }
}
