using System.Globalization;
using Keap.ServiceAccount.Sandbox.Api;
using static Keap.ServiceAccount.Sandbox.Api.ApiErrors;
using static Keap.ServiceAccount.Sandbox.Api.ApiRequests;

namespace Keap.ServiceAccount.Sandbox;

/// <summary>Keap's v1 REST hook routes, under both <c>/crm/rest/v1</c> and <c>/rest/v1</c>, behind the API guard.</summary>
internal static class HookEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        foreach (var basePath in new[] { "/crm/rest/v1", "/rest/v1" })
        {
            var api = routes.MapGroup(basePath).AddEndpointFilter(ApiEndpoints.GuardAsync).DisableAntiforgery();
            api.MapPost("/hooks", SubscribeAsync).WithMetadata(QueryParameters.None);
            api.MapGet("/hooks", List).WithMetadata(QueryParameters.None);
            api.MapGet("/hooks/event_keys", () => Results.Json(HookEventKeys.All, SandboxResults.Json)).WithMetadata(QueryParameters.None);
            api.MapGet("/hooks/{key}", Get).WithMetadata(QueryParameters.None);
            api.MapPut("/hooks/{key}", ReplaceAsync).WithMetadata(QueryParameters.None);
            api.MapDelete("/hooks/{key}", Delete).WithMetadata(QueryParameters.None);
            api.MapPost("/hooks/{key}/verify", VerifyAsync).WithMetadata(QueryParameters.None);
            api.MapPost("/hooks/{key}/delayedVerify", DelayedVerify).WithMetadata(QueryParameters.None);
        }
    }

    private static async Task<IResult> SubscribeAsync(HttpRequest request, KeapSandboxState state, KeapSandboxHooks hooks)
    {
        var (eventKey, hookUrl, error) = await ReadHookAsync(request).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        long key;
        lock (state.Gate)
        {
            key = state.NextId();
            state.Data.Hooks.Add(new SandboxHook { Key = key, EventKey = eventKey, HookUrl = hookUrl });
        }

        // Keap verifies during the subscribe call: the answer already carries Verified or Unverified.
        return Answer(await hooks.VerifyAsync(key).ConfigureAwait(false), KeapSandboxState.Id(key));
    }

    private static IResult List(KeapSandboxState state)
    {
        lock (state.Gate)
        {
            return Results.Json(state.Data.Hooks.Select(h => h.ToResource()).ToList(), SandboxResults.Json);
        }
    }

    private static IResult Get(KeapSandboxState state, string key)
    {
        lock (state.Gate)
        {
            return Answer(Find(state, key)?.ToResource(), key);
        }
    }

    private static async Task<IResult> ReplaceAsync(HttpRequest request, KeapSandboxState state, KeapSandboxHooks hooks, string key)
    {
        var (eventKey, hookUrl, error) = await ReadHookAsync(request).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        lock (state.Gate)
        {
            if (Find(state, key) is not { } hook)
            {
                return HookNotFound(key);
            }

            hook.EventKey = eventKey;
            hook.HookUrl = hookUrl;
            // A new target must prove itself; what was pending for the old one is dropped.
            hooks.SetStatus(hook, SandboxHook.Unverified);
        }

        return Answer(await hooks.VerifyAsync(ParseKey(key)).ConfigureAwait(false), key);
    }

    private static IResult Delete(KeapSandboxState state, KeapSandboxHooks hooks, string key)
    {
        lock (state.Gate)
        {
            if (Find(state, key) is not { } hook)
            {
                return HookNotFound(key);
            }

            state.Data.Hooks.Remove(hook);
            hooks.Drop(hook.Key);
            return Results.NoContent();
        }
    }

    private static async Task<IResult> VerifyAsync(KeapSandboxHooks hooks, string key) =>
        Answer(await hooks.VerifyAsync(ParseKey(key)).ConfigureAwait(false), key);

    private static IResult DelayedVerify(HttpRequest request, KeapSandboxHooks hooks, string key)
    {
        var secret = request.Headers["X-Hook-Secret"].ToString();
        if (secret.Length == 0)
        {
            return BadRequest("The X-Hook-Secret header is required: the secret the sandbox sent to the hook URL");
        }

        var (hook, refusal) = hooks.DelayedVerify(ParseKey(key), secret);
        return refusal is not null ? BadRequest(refusal) : Answer(hook, key);
    }

    private static IResult Answer(System.Text.Json.Nodes.JsonObject? hook, string key) =>
        hook is null ? HookNotFound(key) : Results.Json(hook, SandboxResults.Json);

    private static IResult HookNotFound(string key) =>
        SandboxResults.KeapError(StatusCodes.Status404NotFound, "NOT_FOUND", $"Hook {key} not found", "hook");

    /// <summary>Keys are numbers, as Keap's; anything else finds no hook.</summary>
    private static long ParseKey(string key) =>
        long.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : -1;

    private static SandboxHook? Find(KeapSandboxState state, string key)
    {
        var value = ParseKey(key);
        return state.Data.Hooks.Find(h => h.Key == value);
    }

    /// <summary>Reads <c>{eventKey, hookUrl}</c>: a known event key, and an absolute http(s) URL on a loopback host.</summary>
    private static async Task<(string EventKey, string HookUrl, IResult? Error)> ReadHookAsync(HttpRequest request)
    {
        if (await ReadObjectAsync(request).ConfigureAwait(false) is not { } body)
        {
            return ("", "", BadRequest("The request body must be a JSON object {\"eventKey\":\"contact.add\",\"hookUrl\":\"http://127.0.0.1:5000/keap/hooks/…\"}"));
        }

        if (RequestSchemas.Check("RestHookRequest", body) is { } refused)
        {
            return ("", "", BadRequest(refused));
        }

        var eventKey = (string)body["eventKey"]!;
        if (!HookEventKeys.All.Contains(eventKey, StringComparer.Ordinal))
        {
            return ("", "", BadRequest($"Unknown eventKey '{eventKey}': GET /rest/v1/hooks/event_keys lists the keys"));
        }

        // The URL is never echoed: it carries the receiver's secret.
        var hookUrl = (string)body["hookUrl"]!;
        if (SandboxHook.HttpUrl(hookUrl) is not { } uri)
        {
            return ("", "", BadRequest("hookUrl must be an absolute http or https URL"));
        }

        return uri.IsLoopback
            ? (eventKey, hookUrl, null)
            : ("", "", BadRequest("hookUrl must be on a loopback host (localhost, 127.0.0.1 or ::1): the Keap sandbox calls no other machine"));
    }
}
