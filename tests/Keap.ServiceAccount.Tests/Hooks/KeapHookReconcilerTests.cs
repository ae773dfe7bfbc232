using Keap.ServiceAccount.Hooks;
using Keap.ServiceAccount.Tests.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Keap.ServiceAccount.Tests.Hooks;

public sealed class KeapHookReconcilerTests : IDisposable
{
    private const string Receiver = "https://app.example/keap/hooks";

    private readonly FakeKeapHooks _keap = new();
    private readonly InMemoryHookSecretStore _secrets = new();
    private readonly List<ApiHarness> _apps = [];

    public void Dispose()
    {
        foreach (var app in _apps)
        {
            app.Dispose();
        }

        _keap.Dispose();
    }

    [Fact]
    public async Task Creates_a_subscription_per_configured_event_key_at_the_receiver_url_and_path_secret()
    {
        var kept = await Reconciler().ReconcileAsync();

        var hookUrl = await HookUrlAsync();
        Assert.Equal(["contact.delete", "contactGroup.removed"], kept.Select(h => h.EventKey.Value));
        Assert.All(_keap.Hooks, h => Assert.Equal((hookUrl, "Verified"), (h.HookUrl, h.Status)));
        Assert.Equal(2, _keap.Hooks.Count);
    }

    [Fact]
    public async Task A_second_pass_over_verified_subscriptions_only_lists()
    {
        var reconciler = Reconciler();
        var first = await reconciler.ReconcileAsync();
        var callsBefore = _keap.Calls.Count;

        var second = await reconciler.ReconcileAsync();

        Assert.Equal(first.Select(h => h.Key), second.Select(h => h.Key));
        Assert.Equal(["GET "], _keap.Calls.Skip(callsBefore));
    }

    [Fact]
    public async Task An_inactive_subscription_is_verified_again_rather_than_re_created()
    {
        var hookUrl = await HookUrlAsync();
        var inactive = _keap.Add("contact.delete", hookUrl, "Inactive");

        var kept = await Reconciler("contact.delete").ReconcileAsync();

        Assert.Equal(inactive.Key, Assert.Single(kept).Key);
        Assert.Equal(KeapHookStatus.Verified, kept[0].Status);
        Assert.Contains($"POST {inactive.Key}/verify", _keap.Calls);
        Assert.DoesNotContain("POST ", _keap.Calls);
    }

    [Fact]
    public async Task A_subscription_that_stays_unverified_after_the_handshake_is_deleted_and_subscribed_again()
    {
        var hookUrl = await HookUrlAsync();
        var inactive = _keap.Add("contact.delete", hookUrl, "Inactive");
        var handshakes = 0;
        _keap.Handshake = _ => Interlocked.Increment(ref handshakes) > 1;

        var kept = await Reconciler("contact.delete").ReconcileAsync();

        Assert.NotEqual(inactive.Key, Assert.Single(kept).Key);
        Assert.Equal(KeapHookStatus.Verified, kept[0].Status);
        Assert.Equal(kept[0].Key, Assert.Single(_keap.Hooks).Key);
    }

    [Fact]
    public async Task Removes_its_duplicates_stale_secrets_and_unconfigured_keys_and_leaves_other_receivers_alone()
    {
        var hookUrl = await HookUrlAsync();
        _keap.Add("contact.delete", hookUrl, "Unverified");
        var verified = _keap.Add("contact.delete", hookUrl, "Verified");
        _keap.Add("contact.delete", hookUrl, "Verified");
        _keap.Add("contact.delete", Receiver + "/an-old-secret-from-before", "Verified");
        _keap.Add("contactGroup.edit", hookUrl, "Verified");
        var otherApp = _keap.Add("contact.delete", "https://other.example/hooks/x", "Verified");
        var sibling = _keap.Add("contact.delete", Receiver + "-admin/x", "Verified");

        var kept = await Reconciler("contact.delete").ReconcileAsync();

        Assert.Equal(verified.Key, Assert.Single(kept).Key);
        Assert.Equal([verified.Key, otherApp.Key, sibling.Key], _keap.Hooks.Select(h => h.Key));
    }

    [Fact]
    public async Task Among_equals_the_lowest_key_is_kept_comparing_numbers_as_numbers()
    {
        var hookUrl = await HookUrlAsync();
        for (var i = 0; i < 10; i++)
        {
            _keap.Add("contact.delete", hookUrl, "Verified");
        }

        _keap.Remove("1");

        var kept = await Reconciler("contact.delete").ReconcileAsync();

        Assert.Equal("2", Assert.Single(kept).Key);
        Assert.True(KeapHookReconciler.CompareKeys("9", "10") < 0);
    }

    [Fact]
    public async Task A_hook_another_instance_deleted_meanwhile_is_no_failure()
    {
        var hookUrl = await HookUrlAsync();
        _keap.Add("contact.delete", hookUrl, "Verified");
        _keap.Add("contact.delete", hookUrl, "Verified");
        _keap.BeforeCall = call =>
        {
            if (call == "DELETE 2")
            {
                _keap.Remove("2");
            }

            return Task.CompletedTask;
        };

        var kept = await Reconciler("contact.delete").ReconcileAsync();

        Assert.Equal("1", Assert.Single(kept).Key);
    }

    [Fact]
    public async Task Two_instances_reconciling_at_once_leave_one_subscription_per_event_key()
    {
        var first = Reconciler();
        var second = Reconciler();
        var posts = 0;
        var bothPosted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _keap.BeforeCall = async call =>
        {
            // Both instances found nothing and both subscribe: the race the second listing resolves.
            if (call == "POST " && Interlocked.Increment(ref posts) >= 2)
            {
                bothPosted.TrySetResult();
            }

            if (call == "POST ")
            {
                await bothPosted.Task.WaitAsync(Eventually.Timeout);
            }
        };

        var results = await Task.WhenAll(Task.Run(() => first.ReconcileAsync()), Task.Run(() => second.ReconcileAsync()));

        Assert.True(posts >= 2);
        Assert.Equal(2, _keap.Hooks.Count);
        Assert.Equal(["contact.delete", "contactGroup.removed"], _keap.Hooks.Select(h => h.EventKey).Order(StringComparer.Ordinal));
        Assert.Equal(results[0].Select(h => h.Key), results[1].Select(h => h.Key));
    }

    [Fact]
    public async Task ListAsync_returns_only_this_applications_subscriptions()
    {
        var hookUrl = await HookUrlAsync();
        var mine = _keap.Add("contact.delete", hookUrl, "Inactive");
        _keap.Add("contact.delete", "https://other.example/hooks/x", "Verified");

        var listed = await Reconciler().ListAsync();

        Assert.Equal(mine.Key, Assert.Single(listed).Key);
    }

    private async Task<string> HookUrlAsync() => Receiver + "/" + await _secrets.GetOrCreateAsync();

    private IKeapHookSubscriptions Reconciler(params string[] eventKeys)
    {
        var app = ApiHarness.Start(builder: keap => keap
            .AddHooks(o =>
            {
                o.ReceiverUrl = new Uri(Receiver);
                foreach (var key in eventKeys.Length > 0 ? eventKeys : ["contact.delete", "contactGroup.removed"])
                {
                    o.EventKeys.Add(key);
                }
            })
            .UseHookSecretStore(_ => _secrets)
            .ConfigureHttpClient(http => http.ConfigurePrimaryHttpMessageHandler(() => new Forwarder(_keap))));
        _apps.Add(app);
        return app.Services.GetRequiredService<IKeapHookSubscriptions>();
    }

    /// <summary>Hands requests to the shared fake; the factory may dispose it without disposing the fake.</summary>
    internal sealed class Forwarder(HttpMessageHandler target) : HttpMessageHandler
    {
        private readonly HttpMessageInvoker _invoker = new(target, disposeHandler: false);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            _invoker.SendAsync(request, cancellationToken);
    }
}
