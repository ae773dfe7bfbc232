using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Keap.ServiceAccount.Tests.Hooks;

public sealed class KeapHookOptionsTests
{
    [Fact]
    public void AddHooks_binds_Keap_Hooks_from_the_section_given_to_AddKeapServiceAccount()
    {
        using var container = Build(new()
        {
            ["Hooks:ReceiverUrl"] = "https://app.example/keap/hooks",
            ["Hooks:EventKeys:0"] = "contact.delete",
            ["Hooks:EventKeys:1"] = "contactGroup.removed",
            ["Hooks:ReconcileInterval"] = "00:10:00",
        });

        var options = container.GetRequiredService<IOptions<KeapHookOptions>>().Value;

        Assert.Equal(new Uri("https://app.example/keap/hooks"), options.ReceiverUrl);
        Assert.Equal(["contact.delete", "contactGroup.removed"], options.EventKeys);
        Assert.Equal(TimeSpan.FromMinutes(10), options.ReconcileInterval);
    }

    [Theory]
    [InlineData(null, "contact.delete", "01:00:00", "Keap:Hooks:ReceiverUrl is required")]
    [InlineData("/keap/hooks", "contact.delete", "01:00:00", "Keap:Hooks:ReceiverUrl must be an absolute URL")]
    [InlineData("http://app.example/keap/hooks", "contact.delete", "01:00:00", "Keap:Hooks:ReceiverUrl must use https")]
    [InlineData("https://app.example/keap/hooks?x=1", "contact.delete", "01:00:00", "Keap:Hooks:ReceiverUrl must have no query")]
    [InlineData("https://app.example/keap/hooks#top", "contact.delete", "01:00:00", "Keap:Hooks:ReceiverUrl must have no query")]
    [InlineData("https://app.example/keap/hooks", null, "01:00:00", "Keap:Hooks:EventKeys must list at least one")]
    [InlineData("https://app.example/keap/hooks", "contact.delete, ", "01:00:00", "Keap:Hooks:EventKeys holds a blank entry")]
    [InlineData("https://app.example/keap/hooks", "contact.delete,contact.delete", "01:00:00", "Keap:Hooks:EventKeys lists contact.delete more than once")]
    [InlineData("https://app.example/keap/hooks", "contact.delete,Contact.Delete", "01:00:00", "Keap:Hooks:EventKeys lists contact.delete more than once (ignoring case)")]
    [InlineData("https://app.example/keap/hooks", "contact.delete", "00:00:59", "Keap:Hooks:ReconcileInterval must be at least")]
    public void Invalid_settings_stop_start_up_naming_the_key(string? receiverUrl, string? eventKeys, string interval, string expected)
    {
        var settings = new Dictionary<string, string?> { ["Hooks:ReceiverUrl"] = receiverUrl, ["Hooks:ReconcileInterval"] = interval };
        var keys = eventKeys?.Split(',') ?? [];
        for (var i = 0; i < keys.Length; i++)
        {
            settings[$"Hooks:EventKeys:{i}"] = keys[i];
        }

        using var container = Build(settings);

        var failure = Assert.Throws<OptionsValidationException>(() => container.GetRequiredService<IOptions<KeapHookOptions>>().Value);
        Assert.Contains(expected, failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5000/keap/hooks")]
    [InlineData("http://localhost/keap/hooks/")]
    [InlineData("https://app.example/keap/hooks")]
    public void Https_or_a_loopback_http_receiver_is_accepted(string receiverUrl)
    {
        using var container = Build(new() { ["Hooks:ReceiverUrl"] = receiverUrl, ["Hooks:EventKeys:0"] = "contact.delete" });

        Assert.Equal(new Uri(receiverUrl), container.GetRequiredService<IOptions<KeapHookOptions>>().Value.ReceiverUrl);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddKeapServiceAccount(configuration).AddHooks();
        return services.BuildServiceProvider();
    }
}
