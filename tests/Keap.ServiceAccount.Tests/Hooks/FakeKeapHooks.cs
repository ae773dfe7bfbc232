using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Keap.ServiceAccount.Tests.Hooks;

/// <summary>
/// A stateful Keap v1 hooks endpoint in memory, as the package's primary handler: subscriptions with numeric keys,
/// the handshake decided by <see cref="Handshake"/> (on subscribe and verify), and a count of every call.
/// </summary>
internal sealed class FakeKeapHooks : HttpMessageHandler
{
    private readonly ConcurrentDictionary<string, Hook> _hooks = new();
    private readonly ConcurrentQueue<string> _calls = new();
    private int _nextKey;

    /// <summary>Whether Keap's handshake with a hook URL succeeds; every URL answers by default.</summary>
    public Func<string, bool> Handshake { get; set; } = _ => true;

    /// <summary>Runs before each call, for example to hold it until another caller arrives.</summary>
    public Func<string, Task>? BeforeCall { get; set; }

    /// <summary>When set, every call fails with this status (and Keap's error body).</summary>
    public HttpStatusCode? FailWith { get; set; }

    public IReadOnlyList<string> Calls => _calls.ToList();

    public IReadOnlyList<Hook> Hooks => _hooks.Values.OrderBy(h => int.Parse(h.Key, System.Globalization.CultureInfo.InvariantCulture)).ToList();

    public Hook Add(string eventKey, string hookUrl, string status)
    {
        var hook = new Hook(Interlocked.Increment(ref _nextKey).ToString(System.Globalization.CultureInfo.InvariantCulture), eventKey, hookUrl, status);
        _hooks[hook.Key] = hook;
        return hook;
    }

    /// <summary>Removes a hook as another instance would.</summary>
    public void Remove(string key) => _hooks.TryRemove(key, out _);

    /// <summary>The message of the error answers <see cref="FailWith"/> makes.</summary>
    public string? FailMessage { get; set; }

    public void SetStatus(string key, string status) => _hooks[key] = _hooks[key] with { Status = status };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri!.AbsolutePath;
        var at = path.IndexOf("/rest/v1/hooks", StringComparison.Ordinal);
        var rest = at < 0 ? null : path[(at + "/rest/v1/hooks".Length)..].Trim('/');
        var call = $"{request.Method} {rest}";
        _calls.Enqueue(call);
        if (BeforeCall is { } before)
        {
            await before(call);
        }

        if (rest is null)
        {
            return Error(HttpStatusCode.NotFound);
        }

        if (FailWith is { } failure)
        {
            return Error(failure, FailMessage);
        }

        var parts = rest.Length == 0 ? [] : rest.Split('/');
        var body = request.Content is null ? null : JsonNode.Parse(await request.Content.ReadAsStringAsync(cancellationToken));
        switch (request.Method.Method, parts)
        {
            case ("GET", []):
                return Json(new JsonArray(Hooks.Select(h => (JsonNode)h.ToJson()).ToArray()));
            case ("GET", ["event_keys"]):
                return Json(new JsonArray("contact.add", "contact.delete", "contactGroup.removed"));
            case ("POST", []):
            {
                var url = (string)body!["hookUrl"]!;
                var hook = Add((string)body["eventKey"]!, url, Handshake(url) ? "Verified" : "Unverified");
                return Json(hook.ToJson());
            }

            case ("GET", [var key]):
                return _hooks.TryGetValue(key, out var found) ? Json(found.ToJson()) : Error(HttpStatusCode.NotFound);
            case ("DELETE", [var key]):
                return _hooks.TryRemove(key, out _) ? new HttpResponseMessage(HttpStatusCode.NoContent) : Error(HttpStatusCode.NotFound);
            case ("POST", [var key, "verify"]):
                if (!_hooks.TryGetValue(key, out var hook1))
                {
                    return Error(HttpStatusCode.NotFound);
                }

                SetStatus(key, Handshake(hook1.HookUrl) ? "Verified" : "Unverified");
                return Json(_hooks[key].ToJson());
            default:
                return Error(HttpStatusCode.BadRequest);
        }
    }

    private static HttpResponseMessage Json(JsonNode node) => new(HttpStatusCode.OK)
    {
        Content = new StringContent(node.ToJsonString(), Encoding.UTF8, "application/json"),
    };

    private static HttpResponseMessage Error(HttpStatusCode status, string? message = null) => new(status)
    {
        Content = new StringContent(
            JsonSerializer.Serialize(new { code = (int)status, message = message ?? "failed: " + status, status = status.ToString() }), Encoding.UTF8, "application/json"),
    };

    public sealed record Hook(string Key, string EventKey, string HookUrl, string Status)
    {
        // Keap sends the key as a number.
        public JsonObject ToJson() => new()
        {
            ["key"] = int.Parse(Key, System.Globalization.CultureInfo.InvariantCulture),
            ["eventKey"] = EventKey,
            ["hookUrl"] = HookUrl,
            ["status"] = Status,
        };
    }
}
