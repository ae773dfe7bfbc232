using System.Text;
using System.Text.Json.Nodes;
using Keap.ServiceAccount.Sandbox.Api;
using Microsoft.Extensions.Options;

namespace Keap.ServiceAccount.Sandbox;

/// <summary>
/// The sandbox's REST hooks, fired like Keap's: each change of a subscribed event is collected per hook until the
/// first attempt's time (<see cref="KeapSandboxHookOptions.DeliveryDelay"/>, or
/// <see cref="KeapSandboxHookOptions.TagEventDelay"/> for tag events), sent in deliveries of at most 1,000 objects,
/// retried on <see cref="KeapSandboxHookOptions.RetryDelays"/>; after the last failed attempt, or a <c>410</c>, the hook
/// turns <c>Inactive</c> and its pending deliveries are dropped. All waits run on the sandbox's <see cref="TimeProvider"/>.
/// </summary>
public sealed partial class KeapSandboxHooks : IDisposable
{
    internal const int MaxObjectsPerDelivery = 1000;
    private const int LogLength = 500;

    private readonly KeapSandboxState _state;
    private readonly TimeProvider _time;
    private readonly KeapSandboxHookOptions _options;
    private readonly HttpClient _client;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();

    // Both under the state's gate, like the subscriptions themselves.
    private readonly Dictionary<long, HookQueue> _queues = [];
    private readonly Queue<KeapSandboxHookAttempt> _attempts = new();

    internal KeapSandboxHooks(KeapSandboxState state, TimeProvider time, IOptions<KeapSandboxOptions> options, ILogger<KeapSandboxHooks> logger)
    {
        _state = state;
        _time = time;
        _options = options.Value.Hooks;
        _logger = logger;
        // A dedicated client: no redirects (a 3xx answer is an answer, as Keap counts it), no proxy (loopback only), and
        // no HTTP client logging, which would write the hook URL and so the receiver's secret. Timeouts run on _time.
        _client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false }) { Timeout = Timeout.InfiniteTimeSpan };
        state.Resetting += DropAll;
    }

    /// <summary>Raised after each delivery attempt ends, once its outcome (and any retry) is recorded.</summary>
    public event EventHandler<KeapSandboxHookAttempt>? AttemptCompleted;

    /// <summary>The subscriptions, ordered by key.</summary>
    public IReadOnlyList<KeapSandboxHook> Subscriptions
    {
        get
        {
            lock (_state.Gate)
            {
                return [.. _state.Data.Hooks.OrderBy(h => h.Key).Select(h => h.ToPublic())];
            }
        }
    }

    /// <summary>The most recent delivery attempts (up to 500), oldest first.</summary>
    public IReadOnlyList<KeapSandboxHookAttempt> Attempts
    {
        get
        {
            lock (_state.Gate)
            {
                return [.. _attempts];
            }
        }
    }

    /// <summary>How many changes, over all hooks, are collected for a batch whose first attempt has not been made yet.</summary>
    public int CollectedObjects
    {
        get
        {
            lock (_state.Gate)
            {
                return _queues.Values.Sum(q => q.Collecting.Count);
            }
        }
    }

    /// <summary>How many changes, over all hooks, are in deliveries that failed and wait for a retry (or are being attempted).</summary>
    public int UndeliveredObjects
    {
        get
        {
            lock (_state.Gate)
            {
                return _queues.Values.Sum(q => q.Deliveries.Sum(d => d.Objects.Count));
            }
        }
    }

    /// <summary>Stops every pending delivery and retry.</summary>
    public void Dispose()
    {
        _state.Resetting -= DropAll;
        DropAll();
        _stopping.Cancel();
        _stopping.Dispose();
        _client.Dispose();
    }

    /// <summary>The root of the API a request came under (<c>…/crm/</c> or <c>…/</c>), to write an object's <c>apiUrl</c>.</summary>
    internal static string ApiRoot(HttpRequest request)
    {
        var path = request.PathBase.Add(request.Path).Value ?? "";
        var at = path.IndexOf("rest/v", StringComparison.Ordinal);
        return $"{request.Scheme}://{request.Host}{(at < 0 ? "/" : path[..at])}";
    }

    /// <summary>Queues one change for every Verified hook of <paramref name="eventKey"/>.</summary>
    /// <param name="eventKey">The event key.</param>
    /// <param name="id">The object's id: the contact's, also for tag events.</param>
    /// <param name="apiUrl">The object's v2 URL on the sandbox, or empty.</param>
    /// <param name="tagId">For tag events, the tag's id (written as <c>tag_id</c>).</param>
    internal void Raise(string eventKey, long id, string apiUrl, long? tagId = null)
    {
        var timestamp = SandboxContacts.Format(_time.GetUtcNow());
        var delay = HookEventKeys.IsTagEvent(eventKey) ? _options.TagEventDelay : _options.DeliveryDelay;
        lock (_state.Gate)
        {
            foreach (var hook in _state.Data.Hooks.Where(h => h.Status == SandboxHook.Verified && h.EventKey == eventKey))
            {
                var item = new JsonObject { ["id"] = id, ["apiUrl"] = apiUrl, ["timestamp"] = timestamp };
                if (tagId is { } tag)
                {
                    item["tag_id"] = tag;
                }

                if (!_queues.TryGetValue(hook.Key, out var queue))
                {
                    _queues[hook.Key] = queue = new HookQueue(hook.Key);
                }

                queue.Collecting.Add(item);
                if (queue.Collecting.Count == 1)
                {
                    // The first change opens the batch; the ones until its attempt join it.
                    var due = queue;
                    if (delay == TimeSpan.Zero)
                    {
                        // A timer due at once could fire inside CreateTimer, before it is stored.
                        _ = Task.Run(() => Flush(due));
                    }
                    else
                    {
                        queue.CollectTimer = _time.CreateTimer(_ => Flush(due), null, delay, Timeout.InfiniteTimeSpan);
                    }
                }
            }
        }
    }

    /// <summary>Queues a contact event (<c>contact.*</c>, or a tag applied to or removed from the contact with <paramref name="tagId"/>).</summary>
    internal void RaiseContact(HttpRequest request, string eventKey, long contactId, long? tagId = null) =>
        Raise(eventKey, contactId, eventKey == HookEventKeys.ContactDelete ? "" : $"{ApiRoot(request)}rest/v2/contacts/{KeapSandboxState.Id(contactId)}", tagId);

    /// <summary>Queues a tag event (<c>contactGroup.add</c> or <c>contactGroup.delete</c>) whose object is the tag.</summary>
    internal void RaiseTag(HttpRequest request, string eventKey, long tagId) =>
        Raise(eventKey, tagId, eventKey == HookEventKeys.TagDelete ? "" : $"{ApiRoot(request)}rest/v2/tags/{KeapSandboxState.Id(tagId)}");

    /// <summary>Forgets a hook's pending deliveries (it was deleted, changed or turned Inactive).</summary>
    /// <remarks>Call under the state's gate.</remarks>
    internal void Drop(long key)
    {
        if (_queues.Remove(key, out var queue))
        {
            queue.Drop();
        }
    }

    private void DropAll()
    {
        lock (_state.Gate)
        {
            foreach (var key in _queues.Keys.ToList())
            {
                Drop(key);
            }
        }
    }

    private SandboxHook? Find(long key) => _state.Data.Hooks.Find(h => h.Key == key);

    /// <summary>Ends a batch: its changes go out in deliveries of at most 1,000 objects.</summary>
    private void Flush(HookQueue queue)
    {
        var started = new List<PendingDelivery>();
        lock (_state.Gate)
        {
            queue.CollectTimer?.Dispose();
            queue.CollectTimer = null;
            if (queue.Dropped || Find(queue.Key) is not { } hook)
            {
                return;
            }

            var objectType = hook.EventKey.Split('.')[0];
            foreach (var chunk in queue.Collecting.Chunk(MaxObjectsPerDelivery))
            {
                var delivery = new PendingDelivery(hook.EventKey, objectType, chunk);
                queue.Deliveries.Add(delivery);
                started.Add(delivery);
            }

            queue.Collecting.Clear();
        }

        foreach (var delivery in started)
        {
            _ = AttemptAsync(queue, delivery);
        }
    }

    private async Task AttemptAsync(HookQueue queue, PendingDelivery delivery)
    {
        string url;
        int attempt;
        var startedAt = _time.GetUtcNow();
        lock (_state.Gate)
        {
            delivery.RetryTimer?.Dispose();
            delivery.RetryTimer = null;
            if (delivery.Dropped || Find(queue.Key) is not { Status: SandboxHook.Verified } hook)
            {
                queue.Deliveries.Remove(delivery);
                return;
            }

            url = hook.HookUrl;
            attempt = ++delivery.Attempts;
        }

        var (status, _) = await SendAsync(url, new StringContent(delivery.Body(), Encoding.UTF8, "application/json"), secret: null).ConfigureAwait(false);
        var retries = _options.EffectiveRetryDelays;
        KeapSandboxHookAttempt record;
        var inactive = false;
        lock (_state.Gate)
        {
            string outcome;
            if (status is >= 200 and < 400)
            {
                outcome = "Delivered";
                queue.Deliveries.Remove(delivery);
            }
            else if (delivery.Dropped || Find(queue.Key) is not { } hook)
            {
                outcome = "Dropped";
            }
            else if (status == 410 || attempt > retries.Count)
            {
                outcome = SandboxHook.Inactive;
                hook.Status = SandboxHook.Inactive;
                Drop(hook.Key);
                inactive = true;
            }
            else
            {
                outcome = "Retrying";
                delivery.RetryTimer = _time.CreateTimer(_ => _ = AttemptAsync(queue, delivery), null, retries[attempt - 1], Timeout.InfiniteTimeSpan);
            }

            record = new KeapSandboxHookAttempt(
                KeapSandboxState.Id(queue.Key), delivery.EventKey, delivery.Objects.Count, attempt, status, outcome, startedAt);
            _attempts.Enqueue(record);
            if (_attempts.Count > LogLength)
            {
                _attempts.Dequeue();
            }
        }

        if (inactive)
        {
            HookInactive(_logger, record.HookKey, record.EventKey, attempt, status);
            _state.NotifyChanged();
        }
        else if (record.Outcome != "Delivered")
        {
            DeliveryFailed(_logger, record.HookKey, record.EventKey, attempt, status);
        }

        AttemptCompleted?.Invoke(this, record);
    }
}
