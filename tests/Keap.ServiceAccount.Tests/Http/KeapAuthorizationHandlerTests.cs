using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WireMock.RequestBuilders;

namespace Keap.ServiceAccount.Tests.Http;

public sealed class KeapAuthorizationHandlerTests
{
    private const string ContactsPath = ApiHarness.BasePath + "/rest/v2/contacts";
    private const string Key = "KeapAK-secret-key";

    [Theory]
    [InlineData(Key + "\n")]
    [InlineData(Key + "\r\n")]
    [InlineData("  " + Key + "\t ")]
    public async Task Sends_exactly_the_trimmed_service_account_key(string configured)
    {
        // A key read from a secret file usually ends with a line break.
        var built = new List<string>();
        using var api = ApiHarness.Start(
            o => o.ServiceAccountKey = configured,
            builder: b => b.ConfigureHttpClient(http => http.AddHttpMessageHandler(() => new RecordingHandler(built))));
        api.Server.Given(Request.Create().WithPath(ContactsPath + "/1").UsingGet()).RespondWith(ApiHarness.Json("""{"id":"1"}"""));

        await api.Contacts.GetAsync("1");

        // The value as the pipeline built it (the transport and the server may each tidy a stray line break away).
        Assert.Equal([Key], built);
        var headers = Assert.Single(api.Requests).RequestMessage.Headers!;
        Assert.Equal(Key, Assert.Single(headers["X-Keap-API-Key"]));
        Assert.False(headers.ContainsKey("Authorization"));
    }

    [Fact]
    public void Every_reader_of_the_options_sees_the_trimmed_key_when_it_comes_from_configuration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ServiceAccountKey"] = Key + "\n",
        }).Build();
        var services = new ServiceCollection();
        services.AddKeapServiceAccount(configuration);
        using var provider = services.BuildServiceProvider();

        Assert.Equal(Key, provider.GetRequiredService<IOptions<KeapServiceAccountOptions>>().Value.ServiceAccountKey);
        Assert.Equal(Key, provider.GetRequiredService<IOptionsMonitor<KeapServiceAccountOptions>>().CurrentValue.ServiceAccountKey);
    }

    private sealed class RecordingHandler(List<string> built) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            built.AddRange(request.Headers.NonValidated["X-Keap-API-Key"]);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
