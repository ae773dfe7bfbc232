namespace Keap.ServiceAccount;

/// <summary>
/// One delivery of a REST hook: the objects of one event that changed (at most 1,000, batched by Keap). It carries ids
/// only and is unsigned, so treat it as a hint: read the current object through the API before acting on it.
/// </summary>
public sealed class KeapHookDelivery
{
    /// <summary>The delivery's <c>event_key</c>.</summary>
    public required KeapHookEventKey EventKey { get; init; }

    /// <summary>The delivery's <c>object_type</c>, for example <c>contact</c>.</summary>
    public required string ObjectType { get; init; }

    /// <summary>The delivery's <c>object_keys</c>, in the order Keap sent them.</summary>
    public required IReadOnlyList<KeapHookObject> Objects { get; init; }
}

/// <summary>One entry of a delivery's <c>object_keys</c>: which object changed, and when.</summary>
public sealed class KeapHookObject
{
    /// <summary>
    /// The object's id (a contact id for contact events), as text whether Keap sent a number or a string; a whole number
    /// in its plain form (<c>17</c> whether sent as <c>17</c>, <c>17.0</c> or <c>"17"</c>).
    /// </summary>
    public required string Id { get; init; }

    /// <summary>The object's <c>apiUrl</c>, when Keap sent one (often empty).</summary>
    public string? ApiUrl { get; init; }

    /// <summary>The object's <c>timestamp</c>: when it changed, in UTC.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>
    /// A stable key of this change, <c>{event_key}:{id}:{timestamp}</c> (the timestamp in UTC, round-trip format):
    /// the same for every retry and every batch that carries the change, so a handler can skip what it already applied.
    /// </summary>
    public required string DeliveryKey { get; init; }
}
