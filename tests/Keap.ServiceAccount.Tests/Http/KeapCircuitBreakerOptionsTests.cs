using WireMock.RequestBuilders;

namespace Keap.ServiceAccount.Tests.Http;

/// <summary>The circuit breaker follows <c>Keap:Api:CircuitBreaker</c>, not Polly's defaults (100 attempts, 10 %, 5 s).</summary>
public sealed class KeapCircuitBreakerOptionsTests
{
    private const string ContactsPath = ApiHarness.BasePath + "/rest/v2/contacts";
    private const string Unavailable = """{"code":"503","message":"Unavailable"}""";
    private const string ContactJson = """{"id":"1","given_name":"Ada"}""";

    [Fact]
    public async Task The_circuit_opens_at_the_configured_throughput_for_the_configured_break()
    {
        using var api = ApiHarness.Start(o =>
        {
            o.RateLimit.Enabled = false;
            o.Api.Retry.MaxAttempts = 0;
            o.Api.CircuitBreaker.MinimumThroughput = 2;
            o.Api.CircuitBreaker.BreakDuration = TimeSpan.FromMinutes(10);
        });
        api.Server.Given(Request.Create().WithPath(ContactsPath + "/1").UsingGet()).RespondWith(ApiHarness.Json(Unavailable, 503));

        // Two failed attempts reach the configured throughput: the third call is not sent.
        for (var i = 0; i < 2; i++)
        {
            var failed = await Assert.ThrowsAsync<KeapApiException>(() => api.Contacts.GetAsync("1"));
            Assert.False(failed.NotSent, failed.Message);
        }

        var paused = await Assert.ThrowsAsync<KeapApiException>(() => api.Contacts.GetAsync("1"));

        Assert.True(paused.NotSent, paused.Message);
        Assert.Contains("Keap has been failing", paused.Message, StringComparison.Ordinal);
        Assert.Equal(2, api.Requests.Count);
        Assert.InRange(paused.RetryAfter.GetValueOrDefault(), TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(10));
    }

    [Fact]
    public async Task The_circuit_stays_closed_below_the_configured_failure_ratio()
    {
        using var api = ApiHarness.Start(o =>
        {
            o.RateLimit.Enabled = false;
            o.Api.Retry.MaxAttempts = 0;
            o.Api.CircuitBreaker.MinimumThroughput = 2;
            o.Api.CircuitBreaker.FailureRatio = 1;
        });
        api.Server.Given(Request.Create().WithPath(ContactsPath + "/1").UsingGet()).RespondWith(ApiHarness.Json(ContactJson));
        api.Server.Given(Request.Create().WithPath(ContactsPath + "/2").UsingGet()).RespondWith(ApiHarness.Json(Unavailable, 503));

        // One success, then failures: half of the attempts fail, under the configured ratio of 1 (the default 0.1 opens).
        Assert.NotNull(await api.Contacts.GetAsync("1"));
        for (var i = 0; i < 3; i++)
        {
            var failed = await Assert.ThrowsAsync<KeapApiException>(() => api.Contacts.GetAsync("2"));
            Assert.False(failed.NotSent, failed.Message);
        }

        Assert.Equal(4, api.Requests.Count);
    }
}
