using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;

namespace Keap.ServiceAccount.Tests.Http;

/// <summary>The long-lived typed clients take an <see cref="HttpClient"/> from the factory per operation, never once for good.</summary>
public sealed class KeapApiClientFactoryTests
{
    [Fact]
    public async Task Every_call_of_a_singleton_client_gets_its_http_client_from_the_factory()
    {
        var created = 0;
        using var api = ApiHarness.Start(builder: b => b.ConfigureHttpClient(h => h.ConfigureHttpClient(_ => Interlocked.Increment(ref created))));
        api.Server.Given(Request.Create().WithPath(ApiHarness.BasePath + "/rest/v2/contacts/1").UsingGet())
            .RespondWith(ApiHarness.Json("""{"id":"1"}"""));
        api.Server.Given(Request.Create().WithPath(ApiHarness.BasePath + "/rest/v2/tags/7/contacts:applyTags").UsingPost())
            .RespondWith(ApiHarness.Json("""{"results":{}}"""));

        // Resolved once and kept, as an application's own singleton would keep them.
        var contacts = api.Contacts;
        var tags = api.Tags;
        for (var i = 0; i < 3; i++)
        {
            await contacts.GetAsync("1");
            await tags.ApplyAsync("7", ["1"]);
        }

        // Six clients from the factory, each on its current handler chain, so the factory's handler rotation applies.
        Assert.Equal(6, created);
        Assert.Same(contacts, api.Contacts);
        Assert.Same(tags, api.Tags);
        Assert.Equal(6, api.Requests.Count);
    }

    [Fact]
    public void The_per_call_refit_clients_hold_nothing_the_container_would_keep_for_disposal()
    {
        using var api = ApiHarness.Start();

        // They are transient and resolved from the root provider per call: a disposable one would be kept until the
        // container is disposed, one per call.
        Assert.IsNotAssignableFrom<IDisposable>(api.Services.GetRequiredService<Keap.ServiceAccount.Contacts.IKeapContactsApi>());
        Assert.IsNotAssignableFrom<IDisposable>(api.Services.GetRequiredService<Keap.ServiceAccount.Tags.IKeapTagsApi>());
    }
}
