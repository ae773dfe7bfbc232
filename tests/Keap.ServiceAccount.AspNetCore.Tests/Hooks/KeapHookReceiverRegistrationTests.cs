using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Keap.ServiceAccount.AspNetCore.Tests.Hooks;

public sealed class KeapHookReceiverRegistrationTests
{
    [Fact]
    public void Binds_the_receiver_limits_from_Keap_Hooks_with_defaults()
    {
        using var defaults = Provider([]);
        var options = defaults.GetRequiredService<IOptions<KeapHookReceiverOptions>>().Value;
        Assert.Equal(1024 * 1024, options.MaxRequestBodySize);
        Assert.Equal(TimeSpan.FromSeconds(10), options.HandlerTimeout);

        using var configured = Provider(new() { ["Keap:Hooks:MaxRequestBodySize"] = "4096", ["Keap:Hooks:HandlerTimeout"] = "00:00:02" });
        options = configured.GetRequiredService<IOptions<KeapHookReceiverOptions>>().Value;
        Assert.Equal(4096, options.MaxRequestBodySize);
        Assert.Equal(TimeSpan.FromSeconds(2), options.HandlerTimeout);
    }

    [Theory]
    [InlineData("Keap:Hooks:HandlerTimeout", "00:00:30", "Keap:Hooks:HandlerTimeout must be more than 00:00:00 and less than 00:00:30")]
    [InlineData("Keap:Hooks:HandlerTimeout", "00:01:00", "Keap:Hooks:HandlerTimeout must be more than 00:00:00 and less than 00:00:30")]
    [InlineData("Keap:Hooks:HandlerTimeout", "00:00:00", "Keap:Hooks:HandlerTimeout must be more than 00:00:00")]
    [InlineData("Keap:Hooks:HandlerTimeout", "-00:00:01", "Keap:Hooks:HandlerTimeout must be more than 00:00:00")]
    [InlineData("Keap:Hooks:MaxRequestBodySize", "0", "Keap:Hooks:MaxRequestBodySize must be a positive number of bytes")]
    [InlineData("Keap:Hooks:MaxRequestBodySize", "-5", "Keap:Hooks:MaxRequestBodySize must be a positive number of bytes")]
    public async Task Refuses_to_start_with_an_invalid_setting_naming_its_key(string key, string value, string message)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [key] = value });
        builder.Services.AddSingleton<IKeapHookSecretStore, FixedSecretStore>();
        builder.Services.AddKeapServiceAccount(o => o.ServiceAccountKey = "KeapAK-receiver-tests").AddHookReceiver<RecordingHandler>();
        builder.Services.AddSingleton<HandlerProbe>();
        await using var app = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MapKeapHooks_without_AddHookReceiver_fails_at_map_time_saying_what_to_call()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddKeapServiceAccount(o => o.ServiceAccountKey = "KeapAK-receiver-tests");
        await using var app = builder.Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapKeapHooks());

        Assert.Contains("AddHookReceiver<YourHandler>()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MapKeapHooks_without_a_secret_store_fails_at_map_time_saying_what_to_call()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddKeapServiceAccount(o => o.ServiceAccountKey = "KeapAK-receiver-tests").AddHookReceiver<RecordingHandler>();
        await using var app = builder.Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapKeapHooks());

        Assert.Contains("IKeapHookSecretStore", error.Message, StringComparison.Ordinal);
        Assert.Contains("AddHooks()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Registers_the_handler_scoped_and_a_later_registration_replaces_it()
    {
        var services = new ServiceCollection();
        services.AddKeapServiceAccount(o => o.ServiceAccountKey = "KeapAK-receiver-tests")
            .AddHookReceiver<RecordingHandler>()
            .AddHookReceiver<OtherHandler>();

        var handler = Assert.Single(services, d => d.ServiceType == typeof(IKeapHookHandler));
        Assert.Equal(ServiceLifetime.Scoped, handler.Lifetime);
        Assert.Equal(typeof(OtherHandler), handler.ImplementationType);
    }

    private static ServiceProvider Provider(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddKeapServiceAccount(o => o.ServiceAccountKey = "KeapAK-receiver-tests").AddHookReceiver<RecordingHandler>();
        return services.BuildServiceProvider();
    }

    private sealed class OtherHandler : IKeapHookHandler
    {
        public Task HandleAsync(KeapHookDelivery delivery, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
