using System.Text.Json.Serialization;
using Keap.ServiceAccount.Http;

namespace Keap.ServiceAccount.Contacts;

/// <summary>The contacts' JSON types, with the options of the shared <see cref="KeapJsonContext"/> (a test checks they agree).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    Converters = [typeof(StringOrNumberConverter), typeof(KeapDateConverter), typeof(KeapTimeConverter)])]
[JsonSerializable(typeof(KeapContact))]
[JsonSerializable(typeof(ContactWriteDto))]
[JsonSerializable(typeof(ContactListDto))]
[JsonSerializable(typeof(KeapContactModel))]
[JsonSerializable(typeof(KeapEmailAddressStatus))]
[JsonSerializable(typeof(EmailStatusWriteDto))]
internal sealed partial class ContactsJsonContext : JsonSerializerContext;
