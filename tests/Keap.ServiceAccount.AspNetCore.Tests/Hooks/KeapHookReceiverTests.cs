using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Keap.ServiceAccount.AspNetCore.Tests.Hooks;

public sealed class KeapHookReceiverTests
{
    [Fact]
    public async Task Answers_the_handshake_by_echoing_X_Hook_Secret_without_calling_the_handler()
    {
        await using var host = await ReceiverHost.StartAsync();

        using var response = await host.Client.SendAsync(Deliveries.Handshake(ReceiverHost.HookPath, "keap-handshake-value-42"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("keap-handshake-value-42", Assert.Single(response.Headers.GetValues("X-Hook-Secret")));
        Assert.Empty(host.Handler.Deliveries);
    }

    [Fact]
    public async Task Refuses_the_handshake_on_a_wrong_path_secret_with_404_and_no_echo()
    {
        await using var host = await ReceiverHost.StartAsync();

        using var response = await host.Client.SendAsync(Deliveries.Handshake("/keap/hooks/p4th-s3cret_0123456789abcdefXYz", "keap-handshake-value-42"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.False(response.Headers.Contains("X-Hook-Secret"));
    }

    [Fact]
    public async Task Hands_a_delivery_to_the_handler_with_ids_as_text_UTC_timestamps_and_delivery_keys()
    {
        await using var host = await ReceiverHost.StartAsync();

        using var response = await Deliveries.PostAsync(host.Client, Deliveries.ContactDelete);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var delivery = Assert.Single(host.Handler.Deliveries);
        Assert.Equal(KeapHookEventKey.ContactDelete, delivery.EventKey);
        Assert.Equal("contact", delivery.ObjectType);
        Assert.Collection(delivery.Objects,
            first =>
            {
                Assert.Equal("17", first.Id);
                Assert.Null(first.ApiUrl);
                Assert.Equal(new DateTimeOffset(2026, 12, 6, 8, 59, 30, TimeSpan.Zero), first.Timestamp);
                Assert.Equal(TimeSpan.Zero, first.Timestamp.Offset);
                Assert.Equal("contact.delete:17:2026-12-06T08:59:30.0000000Z", first.DeliveryKey);
            },
            second =>
            {
                Assert.Equal("18", second.Id);
                Assert.Equal("https://api.example/crm/rest/v1/contacts/18", second.ApiUrl);
                Assert.Equal(TimeSpan.Zero, second.Timestamp.Offset);
                Assert.Equal("contact.delete:18:2026-12-06T08:59:31.0000000Z", second.DeliveryKey);
            });
    }

    [Theory]
    [InlineData("17")]
    [InlineData("17.0")]
    [InlineData("1.7e1")]
    [InlineData("\"17\"")]
    [InlineData("\" 17 \"")]
    public async Task One_id_however_its_number_is_written_gives_one_id_and_one_delivery_key(string id)
    {
        // A handler skips what it applied by delivery key and looks the contact up by id: 17.0 is contact 17, not another.
        var item = await HandOverOneIdAsync(id);

        Assert.Equal(("17", "contact.delete:17:2026-12-06T08:59:30.0000000Z"), (item.Id, item.DeliveryKey));
    }

    [Fact]
    public async Task An_id_that_is_no_whole_number_is_kept_as_Keap_wrote_it()
    {
        await using var host = await ReceiverHost.StartAsync();

        using var response = await Deliveries.PostAsync(host.Client,
            """{"event_key":"contact.delete","object_type":"contact","object_keys":[{"id":17.5,"timestamp":"2026-12-06T08:59:30Z"},{"id":1e40,"timestamp":"2026-12-06T08:59:30Z"}]}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["17.5", "1e40"], Assert.Single(host.Handler.Deliveries).Objects.Select(o => o.Id));
    }

    [Theory]
    [InlineData("17.0000000000000000000000000001", "17.0000000000000000000000000001")]
    [InlineData("16.99999999999999999999999999999", "16.99999999999999999999999999999")]
    [InlineData("0.99999999999999999999999999999", "0.99999999999999999999999999999")]
    [InlineData("1e-400", "1e-400")]
    [InlineData("79228162514264337593543950335.4", "79228162514264337593543950335.4")]
    [InlineData("1e99999999999999999999", "1e99999999999999999999")]
    [InlineData("-1.5e-99999999999999999999", "-1.5e-99999999999999999999")]
    [InlineData("-17.0", "-17")]
    [InlineData("-0", "0")]
    [InlineData("0.000", "0")]
    [InlineData("0e-99999999999999999999", "0")]
    [InlineData("9223372036854775807.000", "9223372036854775807")]
    [InlineData("-9.223372036854775808e18", "-9223372036854775808")]
    [InlineData("17.00000000000000000000000000000000000000000000", "17")]
    [InlineData("170e-1", "17")]
    // Past Keap's 64-bit ids: no id of Keap's, kept as written.
    [InlineData("9223372036854775808", "9223372036854775808")]
    [InlineData("1.0e28", "1.0e28")]
    public async Task A_whole_number_id_gets_its_plain_form_and_one_a_hair_from_whole_is_kept_not_rounded_onto_another(string id, string expected)
    {
        // Rounded, 17.0000000000000000000000000001 would be contact 17 and share 17's delivery key.
        var item = await HandOverOneIdAsync(id);

        Assert.Equal((expected, $"contact.delete:{expected}:2026-12-06T08:59:30.0000000Z"), (item.Id, item.DeliveryKey));
    }

    /// <summary>Delivers one <c>contact.delete</c> change whose id is the JSON <paramref name="id"/>; returns what the handler was given.</summary>
    private static async Task<KeapHookObject> HandOverOneIdAsync(string id)
    {
        await using var host = await ReceiverHost.StartAsync();

        using var response = await Deliveries.PostAsync(host.Client,
            $$"""{"event_key":"contact.delete","object_type":"contact","object_keys":[{"id":{{id}},"apiUrl":"","timestamp":"2026-12-06T08:59:30Z"}]}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Assert.Single(Assert.Single(host.Handler.Deliveries).Objects);
    }

    [Fact]
    public async Task Answers_200_only_after_the_handler_returned()
    {
        await using var host = await ReceiverHost.StartAsync(map: app =>
        {
            // Records whether the handler was still running when the answer started.
            app.Use(async (context, next) =>
            {
                context.Response.OnStarting(() =>
                {
                    OrderProbe.AnswerStartedWhileHandlerRan = OrderProbe.HandlerRunning;
                    return Task.CompletedTask;
                });
                await next(context);
            });
            app.MapKeapHooks();
        });
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        OrderProbe.HandlerRunning = false;
        OrderProbe.AnswerStartedWhileHandlerRan = null;
        host.Handler.Behavior = async (_, _) =>
        {
            OrderProbe.HandlerRunning = true;
            started.TrySetResult();
            await release.Task;
            OrderProbe.HandlerRunning = false;
        };

        // A handler that has not returned by the budget: the answer is 503, not the 200 an endpoint that answered
        // without waiting for the handler would have sent (the fake clock, not a wall-clock wait, decides).
        var unanswered = Deliveries.PostAsync(host.Client, Deliveries.ContactDelete);
        await started.Task;
        Assert.False(unanswered.IsCompleted, "the receiver answered while the handler was still storing the delivery");
        host.Time.Advance(TimeSpan.FromSeconds(10));
        using (var timedOut = await unanswered.WaitAsync(TimeSpan.FromSeconds(30)))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, timedOut.StatusCode);
        }

        // A handler that returns: 200, and the answer started only once it had returned.
        release.SetResult();
        OrderProbe.AnswerStartedWhileHandlerRan = null;
        using var response = await Deliveries.PostAsync(host.Client, Deliveries.ContactDelete).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(OrderProbe.AnswerStartedWhileHandlerRan);
    }

    [Theory]
    [InlineData("GET", "/keap/hooks/" + ReceiverHost.Secret)]
    [InlineData("PUT", "/keap/hooks/" + ReceiverHost.Secret)]
    [InlineData("GET", "/keap/hooks/x")]
    [InlineData("DELETE", "/keap/hooks")]
    public async Task Answers_any_other_method_404_like_an_unknown_path_so_a_prober_cannot_tell_the_receiver_is_there(string method, string path)
    {
        await using var host = await ReceiverHost.StartAsync();

        using var response = await host.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.False(response.Content.Headers.Allow.Count > 0, "an Allow header names the method the route takes");
        Assert.Empty(host.Handler.Deliveries);
    }

    [Theory]
    [InlineData("/keap/hooks/p4th-s3cret_0123456789abcdefXYz")] // same length, last character differs
    [InlineData("/keap/hooks/p4th-s3cret_0123456789abcdefXY")] // one shorter
    [InlineData("/keap/hooks/p4th-s3cret_0123456789abcdefXYZZ")] // one longer
    [InlineData("/keap/hooks/x")]
    [InlineData("/keap/hooks/")]
    [InlineData("/keap/hooks")]
    public async Task Refuses_a_wrong_or_missing_path_secret_with_404_without_calling_the_handler(string path)
    {
        await using var host = await ReceiverHost.StartAsync();

        using var response = await Deliveries.PostAsync(host.Client, Deliveries.ContactDelete, path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(host.Handler.Deliveries);
        var warning = Assert.Single(host.Logs.GetSnapshot(), r => r.Id.Id == 1400);
        var presented = path["/keap/hooks".Length..].Trim('/');
        if (presented.Length > 0)
        {
            Assert.DoesNotContain(presented, warning.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Reads_the_secret_store_once_and_keeps_the_secret_in_memory()
    {
        await using var host = await ReceiverHost.StartAsync();

        for (var i = 0; i < 3; i++)
        {
            using var response = await Deliveries.PostAsync(host.Client, Deliveries.ContactDelete);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(1, host.Store.Reads);
    }

    [Fact]
    public async Task Picks_up_a_rotated_secret_within_a_minute_while_wrong_secrets_read_the_store_at_most_once_a_minute()
    {
        await using var host = await ReceiverHost.StartAsync();
        const string rotated = "r0tated-s3cret_0123456789abcdef";
        (await Deliveries.PostAsync(host.Client, Deliveries.ContactDelete)).Dispose();
        host.Store.Value = rotated;

        for (var i = 0; i < 5; i++)
        {
            using var early = await Deliveries.PostAsync(host.Client, Deliveries.ContactDelete, "/keap/hooks/" + rotated);
            Assert.Equal(HttpStatusCode.NotFound, early.StatusCode);
        }

        Assert.Equal(1, host.Store.Reads);
        host.Time.Advance(TimeSpan.FromMinutes(1));
        using var afterRotation = await Deliveries.PostAsync(host.Client, Deliveries.ContactDelete, "/keap/hooks/" + rotated);
        using var oldUrl = await Deliveries.PostAsync(host.Client, Deliveries.ContactDelete);

        Assert.Equal(HttpStatusCode.OK, afterRotation.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, oldUrl.StatusCode);
        Assert.Equal(2, host.Store.Reads);
    }

    [Fact]
    public async Task Refuses_a_body_over_the_limit_declared_in_Content_Length_with_413()
    {
        await using var host = await ReceiverHost.StartAsync(new() { ["Keap:Hooks:MaxRequestBodySize"] = "200" });

        using var response = await Deliveries.PostAsync(host.Client, Deliveries.ContactDelete);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(host.Handler.Deliveries);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Refuses_a_chunked_body_over_the_limit_with_413(bool kestrel)
    {
        await using var host = await ReceiverHost.StartAsync(new() { ["Keap:Hooks:MaxRequestBodySize"] = "200" }, kestrel);

        using var response = await host.Client.PostAsync(new Uri(ReceiverHost.HookPath, UriKind.Relative), Deliveries.Chunked(Deliveries.ContactDelete));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(host.Handler.Deliveries);
    }

    [Fact]
    public async Task Accepts_a_chunked_body_under_the_limit()
    {
        await using var host = await ReceiverHost.StartAsync(kestrel: true);

        using var response = await host.Client.PostAsync(new Uri(ReceiverHost.HookPath, UriKind.Relative), Deliveries.Chunked(Deliveries.ContactDelete));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, Assert.Single(host.Handler.Deliveries).Objects.Count);
    }

    [Fact]
    public async Task Refuses_a_body_that_is_not_JSON_with_415()
    {
        await using var host = await ReceiverHost.StartAsync();

        using var response = await host.Client.PostAsync(
            new Uri(ReceiverHost.HookPath, UriKind.Relative), new StringContent(Deliveries.ContactDelete, Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Empty(host.Handler.Deliveries);
    }

    public static TheoryData<string, string> MalformedBodies => new()
    {
        { "not json at all", "not a delivery's JSON" },
        { "null", "JSON null" },
        { "[]", "not a delivery's JSON" },
        { """{"object_type":"contact","object_keys":[{"id":1,"timestamp":"2026-12-06T08:59:30Z"}]}""", "event_key is missing" },
        { """{"event_key":"  ","object_type":"contact","object_keys":[{"id":1,"timestamp":"2026-12-06T08:59:30Z"}]}""", "event_key is missing or blank" },
        { """{"event_key":"contact.delete","object_keys":[{"id":1,"timestamp":"2026-12-06T08:59:30Z"}]}""", "object_type is missing" },
        { """{"event_key":"contact.delete","object_type":"contact"}""", "object_keys is missing" },
        { """{"event_key":"contact.delete","object_type":"contact","object_keys":"17"}""", "not a delivery's JSON (at $.object_keys" },
        { """{"event_key":"contact.delete","object_type":"contact","object_keys":[]}""", "object_keys is empty" },
        { """{"event_key":"contact.delete","object_type":"contact","object_keys":[null]}""", "object_keys[0] is null" },
        { """{"event_key":"contact.delete","object_type":"contact","object_keys":[{"timestamp":"2026-12-06T08:59:30Z"}]}""", "object_keys[0].id is missing" },
        { """{"event_key":"contact.delete","object_type":"contact","object_keys":[{"id":1,"timestamp":"2026-12-06T08:59:30Z"},{"id":true,"timestamp":"2026-12-06T08:59:30Z"}]}""", "object_keys[1].id" },
        { """{"event_key":"contact.delete","object_type":"contact","object_keys":[{"id":" ","timestamp":"2026-12-06T08:59:30Z"}]}""", "object_keys[0].id" },
        { """{"event_key":"contact.delete","object_type":"contact","object_keys":[{"id":1}]}""", "object_keys[0].timestamp" },
        { """{"event_key":"contact.delete","object_type":"contact","object_keys":[{"id":1,"timestamp":"yesterday"}]}""", "object_keys[0].timestamp" },
        { """{"event_key":"contact.delete","object_type":"contact","object_keys":[{"id":1,"timestamp":"12/06/2026 08:59"}]}""", "object_keys[0].timestamp" },
        { """{"event_key":"contact.delete","object_type":"contact","object_keys":[{"id":1,"timestamp":"2026-13-06T08:59:30Z"}]}""", "object_keys[0].timestamp" },
        { """{"event_key":"contact.delete","object_type":"contact","object_keys":[""" + string.Join(",", Enumerable.Range(1, 1001).Select(i => $$"""{"id":{{i}},"timestamp":"2026-12-06T08:59:30Z"}""")) + "]}", "1001 entries; Keap sends at most 1,000" },
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task Refuses_a_malformed_delivery_with_400_saying_what_is_wrong(string body, string problem)
    {
        await using var host = await ReceiverHost.StartAsync();

        using var response = await Deliveries.PostAsync(host.Client, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(problem, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(host.Handler.Deliveries);
        Assert.Contains(host.Logs.GetSnapshot(), r => r.Id.Id == 1402 && r.Message.Contains(problem, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Accepts_exactly_a_thousand_objects()
    {
        await using var host = await ReceiverHost.StartAsync();
        var body = """{"event_key":"contact.delete","object_type":"contact","object_keys":[""" +
            string.Join(",", Enumerable.Range(1, 1000).Select(i => $$"""{"id":{{i}},"timestamp":"2026-12-06T08:59:30Z"}""")) + "]}";

        using var response = await Deliveries.PostAsync(host.Client, body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1000, Assert.Single(host.Handler.Deliveries).Objects.Count);
    }

    [Fact]
    public async Task Refuses_an_event_key_the_application_did_not_subscribe_to_with_422()
    {
        await using var host = await ReceiverHost.StartAsync();

        using var response = await Deliveries.PostAsync(host.Client, Deliveries.ContactDelete.Replace("contact.delete", "contact.add", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("event_key contact.add is not one this application subscribes to (Keap:Hooks:EventKeys)", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(host.Handler.Deliveries);
    }

    [Fact]
    public async Task Answers_503_when_the_handler_throws_and_logs_the_exception_type_only()
    {
        await using var host = await ReceiverHost.StartAsync();
        host.Handler.Behavior = (_, _) => throw new InvalidOperationException("database password=hunter2 refused");

        using var response = await Deliveries.PostAsync(host.Client, Deliveries.ContactDelete);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var failure = Assert.Single(host.Logs.GetSnapshot(), r => r.Id.Id == 1404);
        Assert.Contains("System.InvalidOperationException", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Logs.GetSnapshot(), r => r.Message.Contains("hunter2", StringComparison.Ordinal) || r.Exception is not null);
    }

    [Fact]
    public async Task Answers_503_at_the_budget_even_when_the_handler_ignores_cancellation()
    {
        await using var host = await ReceiverHost.StartAsync(new() { ["Keap:Hooks:HandlerTimeout"] = "00:00:05" });
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var never = new TaskCompletionSource();
        var handlerToken = CancellationToken.None;
        host.Handler.Behavior = (_, cancellationToken) =>
        {
            handlerToken = cancellationToken;
            started.SetResult();
            return never.Task; // ignores its token
        };

        var answer = Deliveries.PostAsync(host.Client, Deliveries.ContactDelete);
        await started.Task;
        host.Time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.False(handlerToken.IsCancellationRequested);
        host.Time.Advance(TimeSpan.FromSeconds(0.1));
        // A bound on the failure path only: the fake clock, not this wait, decides when the receiver answers.
        using var response = await answer.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(handlerToken.IsCancellationRequested);
        Assert.Contains(host.Logs.GetSnapshot(), r => r.Id.Id == 1405 && r.Message.Contains("Keap:Hooks:HandlerTimeout", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_handler_that_outlives_its_503_keeps_its_services_until_it_ends_and_its_failure_is_logged()
    {
        await using var host = await ReceiverHost.StartAsync(new() { ["Keap:Hooks:HandlerTimeout"] = "00:00:05" });
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var disposedWhileRunning = (bool?)null;

        var status = await RunPastTheBudgetAsync(host, async _ =>
        {
            await release.Task; // ignores its token
            disposedWhileRunning = host.Handler.LastDependency!.Disposed;
            throw new InvalidOperationException("late failure of row hunter2");
        }, afterAnswer: release.SetResult);
        await Eventually.TrueAsync("the late failure is logged", () => host.Logs.GetSnapshot().Any(r => r.Id.Id == 1408));
        var late = Assert.Single(host.Logs.GetSnapshot(), r => r.Id.Id == 1408);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.False(disposedWhileRunning);
        Assert.Contains("System.InvalidOperationException", late.Message, StringComparison.Ordinal);
        Assert.Contains("contact.delete", late.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Logs.GetSnapshot(), r => r.Message.Contains("hunter2", StringComparison.Ordinal) || r.Exception is not null);
        Assert.DoesNotContain(host.Logs.GetSnapshot(), r => r.Id.Id == 1404);
    }

    [Fact]
    public async Task A_handler_that_stops_when_cancelled_after_its_503_logs_no_failure()
    {
        await using var host = await ReceiverHost.StartAsync(new() { ["Keap:Hooks:HandlerTimeout"] = "00:00:05" });

        var status = await RunPastTheBudgetAsync(host, cancellationToken => Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.DoesNotContain(host.Logs.GetSnapshot(), r => r.Id.Id is 1404 or 1408);
    }

    /// <summary>
    /// Posts a delivery whose handler runs <paramref name="work"/>, moves the fake clock past the 5-second budget, and
    /// returns the receiver's answer once the handler has ended and its scope is disposed.
    /// </summary>
    private static async Task<HttpStatusCode> RunPastTheBudgetAsync(ReceiverHost host, Func<CancellationToken, Task> work, Action? afterAnswer = null)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Handler.Behavior = async (_, cancellationToken) =>
        {
            started.SetResult();
            try
            {
                await work(cancellationToken);
            }
            finally
            {
                ended.SetResult();
            }
        };

        var answer = Deliveries.PostAsync(host.Client, Deliveries.ContactDelete);
        await started.Task;
        host.Time.Advance(TimeSpan.FromSeconds(5));
        // Bounds on the failure path only: the fake clock and the test's release decide when things happen.
        using var response = await answer.WaitAsync(TimeSpan.FromSeconds(30));
        afterAnswer?.Invoke();
        await ended.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var dependency = host.Handler.LastDependency!;
        await Eventually.TrueAsync("the handler's scope is disposed once it ended", () => dependency.Disposed);
        return response.StatusCode;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_scoped_service_that_throws_when_disposed_after_the_handler_is_logged_not_left_unobserved(bool handlerYields)
    {
        // The scope is released in the background once the handler ends: nobody awaits that, so the receiver must log it.
        await using var host = await ReceiverHost.StartAsync();
        host.Handler.DisposeFails = true;
        if (handlerYields)
        {
            host.Handler.Behavior = async (_, _) => await Task.Yield();
        }

        using var response = await Deliveries.PostAsync(host.Client, Deliveries.ContactDelete);
        await Eventually.TrueAsync("the failed release of the handler's services is logged", () => host.Logs.GetSnapshot().Any(r => r.Id.Id == 1409));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var failure = Assert.Single(host.Logs.GetSnapshot(), r => r.Id.Id == 1409);
        Assert.Equal(LogLevel.Error, failure.Level);
        Assert.Contains("System.InvalidOperationException", failure.Message, StringComparison.Ordinal);
        Assert.Contains("contact.delete", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Logs.GetSnapshot(), r => r.Message.Contains("hunter2", StringComparison.Ordinal) || r.Exception is not null);
    }

    [Fact]
    public async Task Cancels_the_handler_when_Keap_hangs_up()
    {
        await using var host = await ReceiverHost.StartAsync();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Handler.Behavior = async (_, cancellationToken) =>
        {
            using var registration = cancellationToken.Register(() => cancelled.TrySetResult());
            started.SetResult();
            await cancelled.Task;
            cancellationToken.ThrowIfCancellationRequested();
        };
        using var hangUp = new CancellationTokenSource();

        var answer = Deliveries.PostAsync(host.Client, Deliveries.ContactDelete, cancellationToken: hangUp.Token);
        await started.Task;
        await hangUp.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => answer);
        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Never_logs_the_path_secret_or_the_handshake_value()
    {
        await using var host = await ReceiverHost.StartAsync();
        host.Handler.Behavior = (_, _) => throw new InvalidOperationException(ReceiverHost.Secret);

        (await host.Client.SendAsync(Deliveries.Handshake(ReceiverHost.HookPath, "handshake-0123456789"))).Dispose();
        (await Deliveries.PostAsync(host.Client, Deliveries.ContactDelete)).Dispose();
        (await Deliveries.PostAsync(host.Client, "{}")).Dispose();
        (await Deliveries.PostAsync(host.Client, Deliveries.ContactDelete, ReceiverHost.HookPath + "0")).Dispose();
        (await host.Client.SendAsync(Deliveries.Handshake(ReceiverHost.HookPath + "1", "handshake-0123456789"))).Dispose();

        var logs = host.Logs.GetSnapshot();
        Assert.NotEmpty(logs);
        Assert.All(logs, r =>
        {
            var text = r.Message + r.Exception + string.Join(" ", r.StructuredState?.Select(p => p.Value) ?? []);
            Assert.DoesNotContain(ReceiverHost.Secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain("handshake-0123456789", text, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Never_answers_410_whatever_goes_wrong()
    {
        await using var host = await ReceiverHost.StartAsync();
        host.Handler.Behavior = (_, _) => throw new HttpRequestException("gone", null, HttpStatusCode.Gone);
        var codes = new List<HttpStatusCode>();
        foreach (var body in new[] { Deliveries.ContactDelete, "{}", "x", Deliveries.ContactDelete.Replace("contact.delete", "contact.add", StringComparison.Ordinal) })
        {
            using var response = await Deliveries.PostAsync(host.Client, body);
            codes.Add(response.StatusCode);
        }

        Assert.DoesNotContain(HttpStatusCode.Gone, codes);
        Assert.Equal([HttpStatusCode.ServiceUnavailable, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.UnprocessableEntity], codes);
    }

    /// <summary>Shared between the handler and the answer's OnStarting callback of one test.</summary>
    private static class OrderProbe
    {
        public static volatile bool HandlerRunning;
        public static bool? AnswerStartedWhileHandlerRan;
    }
}
