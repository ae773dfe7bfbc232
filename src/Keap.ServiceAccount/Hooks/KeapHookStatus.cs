using System.Text.Json.Serialization;

namespace Keap.ServiceAccount;

/// <summary>The status of a REST hook subscription, as Keap reports it. Keeps values this package does not know.</summary>
/// <param name="Value">Keap's value, for example <c>Verified</c>.</param>
[JsonConverter(typeof(ExtensibleEnumConverter<KeapHookStatus>))]
public readonly record struct KeapHookStatus(string Value) : IExtensibleEnum<KeapHookStatus>
{
    /// <summary><c>Verified</c>: the receiver answered the handshake; Keap delivers events.</summary>
    public static KeapHookStatus Verified { get; } = new("Verified");

    /// <summary><c>Unverified</c>: the handshake has not succeeded yet; Keap delivers nothing.</summary>
    public static KeapHookStatus Unverified { get; } = new("Unverified");

    /// <summary><c>Inactive</c>: four failed deliveries or a <c>410</c>; Keap delivers nothing until verified again.</summary>
    public static KeapHookStatus Inactive { get; } = new("Inactive");

    static KeapHookStatus IExtensibleEnum<KeapHookStatus>.From(string value) => new(value);

    /// <summary>Keap's value.</summary>
    /// <returns><see cref="Value"/>.</returns>
    public override string ToString() => Value ?? string.Empty;
}
