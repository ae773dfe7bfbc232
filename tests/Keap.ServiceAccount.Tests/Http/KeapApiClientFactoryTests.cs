using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WireMock.RequestBuilders;

namespace Keap.ServiceAccount.Tests.Http;

/// <summary>
/// The long-lived typed clients take their <see cref="HttpClient"/> from the factory and keep it for the factory's
/// handler lifetime, never for good: the factory's handler rotation (connection lifetime, DNS changes) still applies.
/// </summary>
public sealed class KeapApiClientFactoryTests
{
    [Fact]
    public async Task A_singleton_client_reuses_its_http_client_within_the_handler_lifetime_and_takes_a_new_one_after_it()
    {
        var created = 0;
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-30T12:00:00Z", CultureInfo.InvariantCulture));
        // Calls a fake clock apart: the rate limiter would wait for that clock between them, and is not the subject here.
        using var api = ApiHarness.Start(o => o.RateLimit.Enabled = false, time, builder: b => b.ConfigureHttpClient(h => h
            .SetHandlerLifetime(TimeSpan.FromMinutes(5))
            .ConfigureHttpClient(_ => Interlocked.Increment(ref created))));
        api.Server.Given(Request.Create().WithPath(ApiHarness.BasePath + "/rest/v2/contacts/1").UsingGet())
            .RespondWith(ApiHarness.Json("""{"id":"1"}"""));
        api.Server.Given(Request.Create().WithPath(ApiHarness.BasePath + "/rest/v2/tags/7/contacts:applyTags").UsingPost())
            .RespondWith(ApiHarness.Json("""{"results":{}}"""));

        // Resolved once and kept, as an application's own singleton would keep them.
        var contacts = api.Contacts;
        var tags = api.Tags;
        async Task CallBothThreeTimesAsync()
        {
            for (var i = 0; i < 3; i++)
            {
                await contacts.GetAsync("1");
                await tags.ApplyAsync("7", ["1"]);
            }
        }

        await CallBothThreeTimesAsync();
        Assert.Equal(2, created);

        // Still within the handler lifetime: the same clients.
        time.Advance(TimeSpan.FromMinutes(4));
        await CallBothThreeTimesAsync();
        Assert.Equal(2, created);

        // Past it: one new client each, on the factory's current handler chain.
        time.Advance(TimeSpan.FromMinutes(1));
        await CallBothThreeTimesAsync();
        Assert.Equal(4, created);

        Assert.Same(contacts, api.Contacts);
        Assert.Same(tags, api.Tags);
        Assert.Equal(18, api.Requests.Count);
    }

    [Fact]
    public async Task An_infinite_handler_lifetime_keeps_one_http_client_for_good()
    {
        var created = 0;
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-30T12:00:00Z", CultureInfo.InvariantCulture));
        using var api = ApiHarness.Start(o => o.RateLimit.Enabled = false, time, builder: b => b.ConfigureHttpClient(h => h
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .ConfigureHttpClient(_ => Interlocked.Increment(ref created))));
        api.Server.Given(Request.Create().WithPath(ApiHarness.BasePath + "/rest/v2/contacts/1").UsingGet())
            .RespondWith(ApiHarness.Json("""{"id":"1"}"""));

        for (var i = 0; i < 3; i++)
        {
            await api.Contacts.GetAsync("1");
            time.Advance(TimeSpan.FromDays(1));
        }

        Assert.Equal(1, created);
    }

    [Fact]
    public void The_per_call_refit_clients_hold_nothing_the_container_would_keep_for_disposal()
    {
        using var api = ApiHarness.Start();

        // They are transient and resolved from the root provider once per handler lifetime: a disposable one would be
        // kept until the container is disposed, one per resolution.
        Assert.IsNotAssignableFrom<IDisposable>(api.Services.GetRequiredService<Keap.ServiceAccount.Contacts.IKeapContactsApi>());
        Assert.IsNotAssignableFrom<IDisposable>(api.Services.GetRequiredService<Keap.ServiceAccount.Tags.IKeapTagsApi>());
    }
}
