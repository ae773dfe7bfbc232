using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Keap.ServiceAccount.Sandbox;

/// <summary>The hooks' HTTP side: the verification handshake (a fresh <c>X-Hook-Secret</c> POSTed to the hook URL, echoed back or presented later) and the POST of every attempt.</summary>
public sealed partial class KeapSandboxHooks
{
    /// <summary>
    /// POSTs a fresh <c>X-Hook-Secret</c> (empty body) to the hook's URL: a 200 echoing it makes the hook Verified,
    /// anything else (or no answer within the delivery timeout) Unverified.
    /// </summary>
    /// <returns>The hook's v1 resource afterwards, or <see langword="null"/> when the hook does not exist (any more).</returns>
    internal async Task<JsonObject?> VerifyAsync(long key)
    {
        string url;
        string secret = RandomNumberGenerator.GetHexString(64, lowercase: true);
        lock (_state.Gate)
        {
            if (Find(key) is not { } hook)
            {
                return null;
            }

            hook.Secret = secret;
            url = hook.HookUrl;
        }

        var (status, echo) = await SendAsync(url, new ByteArrayContent([]), secret).ConfigureAwait(false);
        lock (_state.Gate)
        {
            if (Find(key) is not { } hook)
            {
                return null;
            }

            // A later verification of the same hook (another call) decides; this answer is stale.
            if (hook.Secret == secret)
            {
                SetStatus(hook, status == StatusCodes.Status200OK && SameSecret(echo, secret) ? SandboxHook.Verified : SandboxHook.Unverified);
            }

            Verified(_logger, key, hook.EventKey, hook.Status);
            return hook.ToResource();
        }
    }

    /// <summary>Verifies a hook with the secret the receiver got in the handshake.</summary>
    /// <returns>The resource, or an error message when the secret does not match; <see langword="null"/> for both when the hook does not exist.</returns>
    internal (JsonObject? Hook, string? Refusal) DelayedVerify(long key, string presented)
    {
        lock (_state.Gate)
        {
            if (Find(key) is not { } hook)
            {
                return (null, null);
            }

            if (hook.Secret is null || !SameSecret(presented, hook.Secret))
            {
                return (null, "X-Hook-Secret does not match the secret the sandbox sent to the hook URL; call verify to send a new one");
            }

            SetStatus(hook, SandboxHook.Verified);
            return (hook.ToResource(), null);
        }
    }

    /// <remarks>Call under the state's gate. A hook that stops being Verified keeps no pending deliveries.</remarks>
    internal void SetStatus(SandboxHook hook, string status)
    {
        hook.Status = status;
        if (status != SandboxHook.Verified)
        {
            Drop(hook.Key);
        }
    }

    private static bool SameSecret(string? presented, string expected) =>
        presented is not null
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected));

    [LoggerMessage(EventId = 5003, EventName = "HookVerification", Level = LogLevel.Information,
        Message = "Keap sandbox: hook {HookKey} ({EventKey}) verification ended {Status}")]
    private static partial void Verified(ILogger logger, long hookKey, string eventKey, string status);

    /// <summary>POSTs to a hook URL within the delivery timeout.</summary>
    /// <returns>The status and the echoed <c>X-Hook-Secret</c>; a <see langword="null"/> status when no answer came.</returns>
    private async Task<(int? Status, string? Echo)> SendAsync(string url, HttpContent content, string? secret)
    {
        using var timeout = new CancellationTokenSource(_options.DeliveryTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _stopping.Token);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
        if (secret is not null)
        {
            request.Headers.Add("X-Hook-Secret", secret);
        }

        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            return ((int)response.StatusCode, response.Headers.TryGetValues("X-Hook-Secret", out var echo) ? string.Join(",", echo) : null);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            return (null, null);
        }
    }

    [LoggerMessage(EventId = 5001, EventName = "HookDeliveryFailed", Level = LogLevel.Information,
        Message = "Keap sandbox: delivery of {EventKey} to hook {HookKey} failed at attempt {Attempt} (status {Status}; none means no answer)")]
    private static partial void DeliveryFailed(ILogger logger, string hookKey, string eventKey, int attempt, int? status);

    [LoggerMessage(EventId = 5002, EventName = "HookInactive", Level = LogLevel.Warning,
        Message = "Keap sandbox: hook {HookKey} ({EventKey}) is now Inactive after attempt {Attempt} (status {Status}); its pending deliveries were dropped")]
    private static partial void HookInactive(ILogger logger, string hookKey, string eventKey, int attempt, int? status);

    /// <summary>One hook's changes waiting for their first attempt, and its deliveries not yet delivered.</summary>
    private sealed class HookQueue(long key)
    {
        public long Key { get; } = key;

        public List<JsonObject> Collecting { get; } = [];

        public ITimer? CollectTimer { get; set; }

        public List<PendingDelivery> Deliveries { get; } = [];

        public bool Dropped { get; private set; }

        public void Drop()
        {
            Dropped = true;
            CollectTimer?.Dispose();
            CollectTimer = null;
            Collecting.Clear();
            foreach (var delivery in Deliveries)
            {
                delivery.Dropped = true;
                delivery.RetryTimer?.Dispose();
            }

            Deliveries.Clear();
        }
    }

    /// <summary>One delivery: its objects stay the same across its attempts, as Keap retries the same batch.</summary>
    private sealed class PendingDelivery(string eventKey, string objectType, IReadOnlyList<JsonObject> objects)
    {
        public string EventKey { get; } = eventKey;

        public IReadOnlyList<JsonObject> Objects { get; } = objects;

        public int Attempts { get; set; }

        public ITimer? RetryTimer { get; set; }

        public bool Dropped { get; set; }

        /// <summary><c>{"event_key","object_type","object_keys":[{"id","apiUrl","timestamp"}]}</c>.</summary>
        public string Body() => new JsonObject
        {
            ["event_key"] = EventKey,
            ["object_type"] = objectType,
            ["object_keys"] = new JsonArray([.. Objects.Select(o => o.DeepClone())]),
        }.ToJsonString();
    }
}
