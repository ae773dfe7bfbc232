using System.Net;
using System.Runtime.CompilerServices;
using Keap.ServiceAccount.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Polly;
using Polly.Timeout;
using WireMock.RequestBuilders;

namespace Keap.ServiceAccount.Tests.Http;

public sealed class KeapRateLimiterTests
{
    private const string ContactsPath = ApiHarness.BasePath + "/rest/v2/contacts";
    private const string ContactJson = """{"id":"1","given_name":"Ada"}""";
    private const string BareRefusal = """{"code":"429","message":"Quota Exceeded","status":"Request Throttled"}""";

    [Theory]
    [InlineData(false, 1, 24.25)]
    [InlineData(true, 1, 3.88)]
    [InlineData(false, 0.25, 6.0625)]
    public void The_allowed_rate_follows_keaps_limits_for_the_credential_and_the_instance_share(bool key, double share, double expected)
    {
        var options = new KeapServiceAccountOptions { ServiceAccountKey = key ? "KeapAK-x" : null };
        options.RateLimit.InstanceShare = share;

        Assert.Equal(expected, KeapRateLimiter.AllowedRate(options), precision: 6);
    }

    [Theory]
    [InlineData(null, 25.0, 1_500)] // an OAuth app at Keap's limits
    [InlineData("KeapAK-key", 10.0, 600)] // a Service Account Key whose per-minute throttle was raised: the 10/s spike arrest binds
    [InlineData("KeapAK-key", 5.0, 300)] // the 5/s some report for keys
    [InlineData(null, 2_000.0, 120_000)] // far above Keap's limits: the one-millisecond minimum tolerance applies
    public void No_one_second_window_sees_more_attempts_than_the_spike_arrest_allows(string? key, double perSecond, int perMinute)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var api = ApiHarness.Start(
            o =>
            {
                o.ServiceAccountKey = key;
                o.RateLimit.RequestsPerSecond = perSecond;
                o.RateLimit.RequestsPerMinute = perMinute;
                o.RateLimit.AccountRequestsPerMinute = perMinute;
            },
            time);
        var limiter = api.Services.GetRequiredService<KeapRateLimiter>();

        // A caller always ready: every attempt starts at the first millisecond its slot allows, the tightest the
        // schedule can be packed (a timer only ever wakes later).
        var grants = new List<DateTimeOffset>();
        for (var ms = 0; ms < 3_000; ms++)
        {
            while (limiter.AttemptAcquire().IsAcquired)
            {
                grants.Add(time.GetUtcNow());
            }

            time.Advance(TimeSpan.FromMilliseconds(1));
        }

        // Keap counts whole seconds; every one-second window, wherever it starts, stays within the limit.
        var busiest = grants.Select((start, i) => grants.Skip(i).TakeWhile(g => g - start < TimeSpan.FromSeconds(1)).Count()).Max();
        Assert.InRange(busiest, (int)(perSecond * 0.9), (int)perSecond);
    }

    [Fact]
    public async Task A_queued_call_can_be_cancelled_and_is_never_sent()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var api = ApiHarness.Start(LongTimeouts, time);
        var limiter = api.Services.GetRequiredService<KeapRateLimiter>();
        RefuseOnceThenAnswer(api);
        api.Server.Given(Request.Create().WithPath(ContactsPath + "/2").UsingGet()).RespondWith(ApiHarness.Json(ContactJson));

        // The first call's bare 429 holds the limiter for the spike window; the second call queues behind it.
        var first = api.Contacts.GetAsync("1");
        await Eventually(() => limiter.WaitingUntil is not null);
        using var cancel = new CancellationTokenSource();
        var second = api.Contacts.GetAsync("2", cancel.Token);
        await Eventually(() => limiter.QueuedCount == 1);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second);
        Assert.Equal(0, limiter.QueuedCount);
        await api.DriveAsync(first, TimeSpan.FromMilliseconds(250));
        Assert.Equal(2, api.Requests.Count);
        Assert.DoesNotContain(api.Requests, r => r.RequestMessage.Path.EndsWith("/2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_full_waiting_line_refuses_the_call_at_once_without_sending_it()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var api = ApiHarness.Start(
            o =>
            {
                LongTimeouts(o);
                o.RateLimit.QueueLimit = 0;
            },
            time);
        var limiter = api.Services.GetRequiredService<KeapRateLimiter>();
        RefuseOnceThenAnswer(api);

        var first = api.Contacts.GetAsync("1");
        await Eventually(() => limiter.WaitingUntil is not null);
        var error = await Assert.ThrowsAsync<KeapApiException>(() => api.Contacts.GetAsync("2"));

        Assert.True(error.NotSent);
        Assert.Null(error.RetryAfter);
        Assert.Contains("Keap:RateLimit:QueueLimit", error.Message, StringComparison.Ordinal);
        await api.DriveAsync(first, TimeSpan.FromMilliseconds(250));
        Assert.Equal(2, api.Requests.Count);
        Assert.Contains(api.Logs.GetSnapshot(), r => r.Id.Id == 1106);
    }

    [Fact]
    public async Task A_call_whose_time_runs_out_while_it_waits_for_its_turn_is_reported_as_not_sent()
    {
        // The third call's turn comes about 20.6 s after the first, later than the 15 s a call may take.
        using var api = StartOneRequestPerTenSeconds();
        var limiter = api.Services.GetRequiredService<KeapRateLimiter>();
        api.Server.Given(Request.Create().WithPath(ContactsPath + "/*").UsingGet()).RespondWith(ApiHarness.Json(ContactJson));

        await api.Contacts.GetAsync("1");
        var second = api.Contacts.GetAsync("2");
        var third = api.Contacts.GetAsync("3");
        await Eventually(() => limiter.QueuedCount == 1);
        await api.DriveAsync(Task.WhenAll(second, third).ContinueWith(_ => { }, TaskScheduler.Default), TimeSpan.FromMilliseconds(100));

        await second;
        var error = await Assert.ThrowsAsync<KeapApiException>(() => third);
        Assert.True(error.NotSent);
        Assert.Contains("was not sent", error.Message, StringComparison.Ordinal);
        Assert.Contains("Keap:Api:Timeouts:Total", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("got no answer", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, api.Requests.Count);
        Assert.DoesNotContain(api.Requests, r => r.RequestMessage.Path.EndsWith("/3", StringComparison.Ordinal));
    }

    [Fact]
    public async Task After_keap_asks_for_a_long_pause_calls_fail_at_once_without_being_sent()
    {
        using var api = ApiHarness.Start();
        api.Server.Given(Request.Create().WithPath(ContactsPath + "/1").UsingGet())
            .RespondWith(ApiHarness.Json(BareRefusal, 429).WithHeader("Retry-After", "86400"));

        var refused = await Assert.ThrowsAsync<KeapApiException>(() => api.Contacts.GetAsync("1"));
        var paused = await Assert.ThrowsAsync<KeapApiException>(() => api.Contacts.GetAsync("2"));

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(TimeSpan.FromDays(1), refused.RetryAfter);
        Assert.True(paused.NotSent);
        Assert.InRange(paused.RetryAfter!.Value, TimeSpan.FromHours(23), TimeSpan.FromDays(1));
        Assert.Contains("was not sent", paused.Message, StringComparison.Ordinal);
        Assert.Single(api.Requests);
        Assert.Contains(api.Logs.GetSnapshot(), r => r.Id.Id == 1108);
    }

    [Fact]
    public async Task A_spike_limit_header_lower_than_the_default_narrows_the_rate()
    {
        using var api = ApiHarness.Start(o => o.ServiceAccountKey = "KeapAK-key");
        var limiter = api.Services.GetRequiredService<KeapRateLimiter>();
        api.Server.Given(Request.Create().WithPath(ContactsPath + "/1").UsingGet())
            .RespondWith(ApiHarness.Json(ContactJson).WithHeader("x-keap-product-spike-limit", "2ps"));

        await api.Contacts.GetAsync("1");

        Assert.Equal(2 * KeapRateLimiter.Utilization, limiter.CurrentRate, precision: 6);
    }

    [Theory]
    [InlineData(429, false)]
    [InlineData(400, false)]
    [InlineData(408, false)]
    [InlineData(500, true)]
    [InlineData(503, true)]
    public void The_circuit_breaker_counts_5xx_and_never_a_429(int status, bool counted)
    {
        using var response = new HttpResponseMessage((HttpStatusCode)status);

        Assert.Equal(counted, KeapResilience.IsFailure(Outcome.FromResult(response)));
        Assert.True(KeapResilience.IsFailure(Outcome.FromException<HttpResponseMessage>(new HttpRequestException("reset"))));
        Assert.True(KeapResilience.IsFailure(Outcome.FromException<HttpResponseMessage>(new TimeoutRejectedException())));
    }

    [Fact]
    public async Task Keap_failing_opens_the_circuit_and_later_calls_fail_without_being_sent()
    {
        using var api = ApiHarness.Start();
        api.Server.Given(Request.Create().WithPath(ContactsPath + "/1").UsingGet())
            .RespondWith(ApiHarness.Json("""{"code":"503","message":"Unavailable"}""", 503));

        KeapApiException? paused = null;
        for (var i = 0; i < 40 && paused is null; i++)
        {
            var error = await Assert.ThrowsAsync<KeapApiException>(() => api.Contacts.GetAsync("1"));
            paused = error.NotSent ? error : null;
        }

        Assert.NotNull(paused);
        Assert.Contains("Keap has been failing", paused.Message, StringComparison.Ordinal);
        Assert.NotNull(paused.RetryAfter);
        Assert.Contains(api.Logs.GetSnapshot(), r => r.Id.Id == 1107);
    }

    [Fact]
    public async Task A_retry_after_a_5xx_that_runs_out_of_time_in_the_line_is_not_reported_as_not_sent()
    {
        // Behind another call, the retry's turn comes about 20.6 s after the first attempt, later than the 15 s the call may take.
        using var api = StartOneRequestPerTenSeconds();
        var (error, second) = await FailedCallRetriedBehindAnotherAsync(api);

        AssertMayHaveReachedKeap(api, error, "Keap:Api:Timeouts:Total");
        await second;
    }

    [Fact]
    public async Task A_retry_after_a_5xx_refused_by_a_full_line_is_not_reported_as_not_sent()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var api = ApiHarness.Start(
            o =>
            {
                LongTimeouts(o);
                o.RateLimit.RequestsPerMinute = 6;
                o.RateLimit.QueueLimit = 0;
            },
            time);
        // The first attempt is sent and fails; before its retry, another call takes the only place in the line.
        var (error, second) = await FailedCallRetriedBehindAnotherAsync(api);

        AssertMayHaveReachedKeap(api, error, "Keap:RateLimit:QueueLimit");
        await api.DriveAsync(second, TimeSpan.FromMilliseconds(250));
    }

    [Fact]
    public async Task A_retry_after_the_5xx_that_opened_the_circuit_is_not_reported_as_not_sent()
    {
        // Two retries: three attempts a call, so the 100th failed attempt, which opens the breaker (its default minimum
        // throughput), is the first attempt of a call, whose retry then meets the open circuit.
        using var api = ApiHarness.Start(o =>
        {
            o.RateLimit.Enabled = false;
            o.Api.Retry.MaxAttempts = 2;
        });
        api.Server.Given(Request.Create().WithPath(ContactsPath + "/1").UsingGet())
            .RespondWith(ApiHarness.Json("""{"code":"503","message":"Unavailable"}""", 503));

        var calls = new List<(KeapApiException Error, int Sent)>();
        while (calls.Count < 60 && (calls.Count == 0 || calls[^1].Sent > 0))
        {
            var before = api.Requests.Count;
            var error = await Assert.ThrowsAsync<KeapApiException>(() => api.Contacts.GetAsync("1"));
            calls.Add((error, api.Requests.Count - before));
        }

        // The circuit opened: a call sent nothing and says so; the call whose retry met it had reached Keap.
        Assert.True(calls[^1].Error.NotSent);
        Assert.Contains(calls, c => c.Sent > 0 && c.Error.Message.Contains("Keap has been failing", StringComparison.Ordinal));
        Assert.All(calls.Where(c => c.Sent > 0), c => Assert.False(c.Error.NotSent, c.Error.Message));
    }

    /// <summary>One request about every ten seconds on a fake clock, and 15 s a call may take.</summary>
    private static ApiHarness StartOneRequestPerTenSeconds() => ApiHarness.Start(
        o =>
        {
            o.RateLimit.RequestsPerMinute = 6;
            o.Api.Timeouts.Attempt = TimeSpan.FromSeconds(15);
            o.Api.Timeouts.Total = TimeSpan.FromSeconds(15);
        },
        new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));

    /// <summary>
    /// Contact 1's first attempt fails with a 5xx; once it has been sent, contact 2's call takes the next turn, so the
    /// retry of the first call waits behind it. Returns how the first call failed and the second call.
    /// </summary>
    private static async Task<(KeapApiException Error, Task<KeapContact?> Second)> FailedCallRetriedBehindAnotherAsync(ApiHarness api)
    {
        var limiter = api.Services.GetRequiredService<KeapRateLimiter>();
        FailOnceThenAnswer(api, "1");
        api.Server.Given(Request.Create().WithPath(ContactsPath + "/2").UsingGet()).RespondWith(ApiHarness.Json(ContactJson));

        var first = api.Contacts.GetAsync("1");
        await Eventually(() => api.Requests.Count == 1);
        var second = api.Contacts.GetAsync("2");
        await Eventually(() => limiter.WaitingUntil is not null);
        var error = await Assert.ThrowsAsync<KeapApiException>(() => api.DriveAsync(first, TimeSpan.FromMilliseconds(100)));
        return (error, second);
    }

    private static void AssertMayHaveReachedKeap(ApiHarness api, KeapApiException error, string cause)
    {
        Assert.False(error.NotSent, error.Message);
        Assert.Contains(cause, error.Message, StringComparison.Ordinal);
        Assert.Contains("an earlier attempt may have reached Keap", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Single(api.Requests, r => r.RequestMessage.Path.EndsWith("/1", StringComparison.Ordinal));
    }

    /// <summary>A 503 asking for a one-second pause, then the contact: the retry waits for the fake clock, not for a jittered millisecond.</summary>
    private static void FailOnceThenAnswer(ApiHarness api, string id)
    {
        var request = Request.Create().WithPath(ContactsPath + "/" + id).UsingGet();
        api.Server.Given(request).AtPriority(2).InScenario("fail-once-" + id).WillSetStateTo("answered")
            .RespondWith(ApiHarness.Json("""{"code":"503","message":"Unavailable"}""", 503).WithHeader("Retry-After", "1"));
        api.Server.Given(request).AtPriority(1).InScenario("fail-once-" + id).WhenStateIs("answered").RespondWith(ApiHarness.Json(ContactJson));
    }

    private static void RefuseOnceThenAnswer(ApiHarness api)
    {
        var request = Request.Create().WithPath(ContactsPath + "/1").UsingGet();
        api.Server.Given(request).AtPriority(2).InScenario("refuse-once").WillSetStateTo("answered").RespondWith(ApiHarness.Json(BareRefusal, 429));
        api.Server.Given(request).AtPriority(1).InScenario("refuse-once").WhenStateIs("answered").RespondWith(ApiHarness.Json(ContactJson));
    }

    private static void LongTimeouts(KeapServiceAccountOptions options)
    {
        // The attempt timeout may be at most half of the breaker's sampling window, which is at most a day.
        options.Api.Timeouts.Attempt = TimeSpan.FromHours(12);
        options.Api.Timeouts.Total = TimeSpan.FromDays(1);
        options.Api.CircuitBreaker.SamplingDuration = TimeSpan.FromDays(1);
    }

    /// <summary>Waits (real time, bounded) for a condition another task brings about.</summary>
    private static Task Eventually(Func<bool> condition, [CallerArgumentExpression(nameof(condition))] string what = "") =>
        Testing.Eventually.TrueAsync(what, condition, pause: TimeSpan.FromMilliseconds(5));
}
