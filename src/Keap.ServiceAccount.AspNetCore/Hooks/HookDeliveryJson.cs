using System.Text.Json;
using System.Text.Json.Serialization;

namespace Keap.ServiceAccount.AspNetCore.Hooks;

/// <summary>A delivery body as Keap sends it, before its shape is checked (every member may be absent).</summary>
internal sealed class HookDeliveryBody
{
    [JsonPropertyName("event_key")]
    public string? EventKey { get; set; }

    [JsonPropertyName("object_type")]
    public string? ObjectType { get; set; }

    [JsonPropertyName("object_keys")]
    public List<HookObjectBody?>? ObjectKeys { get; set; }
}

/// <summary>One <c>object_keys</c> entry: the id is a number or a string, so it is kept as it came.</summary>
internal sealed class HookObjectBody
{
    [JsonPropertyName("id")]
    public JsonElement Id { get; set; }

    [JsonPropertyName("apiUrl")]
    public string? ApiUrl { get; set; }

    [JsonPropertyName("timestamp")]
    public string? Timestamp { get; set; }
}

/// <summary>Source-generated: the receiver reads deliveries without reflection.</summary>
[JsonSourceGenerationOptions(MaxDepth = 8)]
[JsonSerializable(typeof(HookDeliveryBody))]
internal sealed partial class HookDeliveryJsonContext : JsonSerializerContext;
