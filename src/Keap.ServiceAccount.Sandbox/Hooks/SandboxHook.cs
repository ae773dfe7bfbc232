using System.Text.Json.Nodes;

namespace Keap.ServiceAccount.Sandbox;

/// <summary>A REST hook subscription as the sandbox shows it: never its URL, which carries the receiver's secret.</summary>
/// <param name="Key">Keap's key of the subscription (a number, written as text in the v1 resource).</param>
/// <param name="EventKey">The event key, for example <c>contact.add</c>.</param>
/// <param name="Status"><c>Verified</c>, <c>Unverified</c> or <c>Inactive</c>.</param>
public sealed record KeapSandboxHook(string Key, string EventKey, string Status);

/// <summary>One delivery attempt the sandbox made (or dropped).</summary>
/// <param name="HookKey">The subscription's key.</param>
/// <param name="EventKey">The delivery's <c>event_key</c>.</param>
/// <param name="ObjectCount">How many objects the delivery carried.</param>
/// <param name="Attempt">1 for the first attempt, 2 for the first retry, and so on.</param>
/// <param name="StatusCode">The receiver's HTTP status, or <see langword="null"/> when it did not answer (refused, or no answer within the timeout).</param>
/// <param name="Outcome"><c>Delivered</c>, <c>Retrying</c> (another attempt is scheduled) or <c>Inactive</c> (the hook turned Inactive and its pending deliveries were dropped).</param>
/// <param name="Time">When the attempt was made (sandbox clock, UTC): the schedule's time, however long the receiver took.</param>
public sealed record KeapSandboxHookAttempt(
    string HookKey, string EventKey, int ObjectCount, int Attempt, int? StatusCode, string Outcome, DateTimeOffset Time);

/// <summary>A subscription as the state file keeps it.</summary>
internal sealed class SandboxHook
{
    public const string Verified = "Verified";
    public const string Unverified = "Unverified";
    public const string Inactive = "Inactive";

    public long Key { get; init; }

    public string EventKey { get; set; } = "";

    /// <summary>The receiver's URL: it carries the receiver's secret, so it is never logged nor shown outside the API.</summary>
    public string HookUrl { get; set; } = "";

    public string Status { get; set; } = Unverified;

    /// <summary>The last <c>X-Hook-Secret</c> the sandbox sent, which <c>delayedVerify</c> must present.</summary>
    public string? Secret { get; set; }

    public KeapSandboxHook ToPublic() => new(KeapSandboxState.Id(Key), EventKey, Status);

    /// <summary>The hook URL when it is an absolute http or https URL (the only kind the sandbox calls), else <see langword="null"/>.</summary>
    public static Uri? HttpUrl(string? text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" ? url : null;

    /// <summary>
    /// What is wrong with the subscriptions a state file holds, or <see langword="null"/>: a hook without a known event
    /// key, a loopback http(s) URL or a known status would fail every delivery (or every request) later. Never quotes the URL.
    /// </summary>
    public static string? Problem(IReadOnlyList<SandboxHook?>? hooks)
    {
        if (hooks is null)
        {
            return "Hooks is null; an empty list [] means no subscriptions";
        }

        var keys = new HashSet<long>();
        for (var i = 0; i < hooks.Count; i++)
        {
            var problem = hooks[i] switch
            {
                null => "is null",
                { Key: <= 0 } => "has no key (a positive number)",
                { } hook when !keys.Add(hook.Key) => $"repeats key {hook.Key}",
                { } hook when !HookEventKeys.All.Contains(hook.EventKey, StringComparer.Ordinal) => "has an event key Keap does not list",
                { } hook when HttpUrl(hook.HookUrl) is not { IsLoopback: true } =>
                    "has no loopback http(s) hook URL",
                { Status: Verified or Unverified or Inactive } => null,
                _ => "has a status other than Verified, Unverified or Inactive",
            };
            if (problem is not null)
            {
                return $"Hooks[{i}] {problem}";
            }
        }

        return null;
    }

    /// <summary>Keap's v1 hook resource: <c>{key, eventKey, hookUrl, status}</c>, the key as text.</summary>
    public JsonObject ToResource() => new()
    {
        ["key"] = KeapSandboxState.Id(Key),
        ["eventKey"] = EventKey,
        ["hookUrl"] = HookUrl,
        ["status"] = Status,
    };
}

/// <summary>The event keys Keap lists at <c>GET /rest/v1/hooks/event_keys</c>.</summary>
internal static class HookEventKeys
{
    public const string ContactAdd = "contact.add";
    public const string ContactEdit = "contact.edit";
    public const string ContactDelete = "contact.delete";
    public const string TagAdd = "contactGroup.add";
    public const string TagDelete = "contactGroup.delete";
    public const string TagApplied = "contactGroup.applied";
    public const string TagRemoved = "contactGroup.removed";

    public static readonly IReadOnlyList<string> All =
    [
        "appointment.add", "appointment.delete", "appointment.edit",
        "affiliate.add", "affiliate.delete", "affiliate.edit",
        "company.add", "company.delete", "company.edit",
        ContactAdd, ContactDelete, ContactEdit, "contact.redact",
        TagAdd, TagApplied, TagDelete, "contactGroup.edit", TagRemoved,
        "invoice.add", "invoice.delete", "invoice.edit",
        "invoice.payment.add", "invoice.payment.delete", "invoice.payment.edit",
        "leadsource.add", "leadsource.delete", "leadsource.edit",
        "note.add", "note.delete", "note.edit",
        "opportunity.add", "opportunity.delete", "opportunity.edit", "opportunity.stage_move",
        "order.add", "order.delete", "order.edit",
        "product.add", "product.delete", "product.edit",
        "subscription.add", "subscription.delete", "subscription.edit",
        "task.add", "task.delete", "task.edit",
        "user.activate", "user.add", "user.edit",
    ];

    /// <summary>The tag events Keap delivers minutes late.</summary>
    public static bool IsTagEvent(string eventKey) => eventKey is TagApplied or TagRemoved;
}
