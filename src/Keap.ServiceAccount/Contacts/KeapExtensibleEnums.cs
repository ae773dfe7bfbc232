using System.Text.Json;
using System.Text.Json.Serialization;

namespace Keap.ServiceAccount;

/// <summary>Keap's <c>source_type</c> of a contact. Keeps values this package does not know as they came.</summary>
/// <param name="Value">Keap's value, for example <c>API</c>.</param>
[JsonConverter(typeof(ExtensibleEnumConverter<KeapContactSourceType>))]
public readonly record struct KeapContactSourceType(string Value) : IExtensibleEnum<KeapContactSourceType>
{
    /// <summary><c>API</c>: created through the API.</summary>
    public static KeapContactSourceType Api { get; } = new("API");

    /// <summary><c>APPOINTMENT</c>.</summary>
    public static KeapContactSourceType Appointment { get; } = new("APPOINTMENT");

    /// <summary><c>FORM_API_HOSTED</c>.</summary>
    public static KeapContactSourceType FormApiHosted { get; } = new("FORM_API_HOSTED");

    /// <summary><c>FORM_API_INTERNAL</c>.</summary>
    public static KeapContactSourceType FormApiInternal { get; } = new("FORM_API_INTERNAL");

    /// <summary><c>IMPORT</c>.</summary>
    public static KeapContactSourceType Import { get; } = new("IMPORT");

    /// <summary><c>INTERNAL_FORM</c>.</summary>
    public static KeapContactSourceType InternalForm { get; } = new("INTERNAL_FORM");

    /// <summary><c>LANDING_PAGE</c>.</summary>
    public static KeapContactSourceType LandingPage { get; } = new("LANDING_PAGE");

    /// <summary><c>MANUAL</c>: entered by a Keap user.</summary>
    public static KeapContactSourceType Manual { get; } = new("MANUAL");

    /// <summary><c>OTHER</c>.</summary>
    public static KeapContactSourceType Other { get; } = new("OTHER");

    /// <summary><c>UNKNOWN</c>.</summary>
    public static KeapContactSourceType Unknown { get; } = new("UNKNOWN");

    /// <summary><c>WEBFORM</c>.</summary>
    public static KeapContactSourceType WebForm { get; } = new("WEBFORM");

    static KeapContactSourceType IExtensibleEnum<KeapContactSourceType>.From(string value) => new(value);

    /// <summary>Keap's value.</summary>
    /// <returns><see cref="Value"/>.</returns>
    public override string ToString() => Value ?? string.Empty;
}

/// <summary>
/// Keap's opt-in status of an email address (<c>email_opt_status</c> on a contact, <c>status</c> of
/// <c>/v2/emailAddresses/{email}/status</c>): the spec's 17 values, and any other kept as it came.
/// </summary>
/// <param name="Value">Keap's value, for example <c>SINGLE_OPT_IN</c>.</param>
[JsonConverter(typeof(ExtensibleEnumConverter<KeapEmailStatus>))]
public readonly record struct KeapEmailStatus(string Value) : IExtensibleEnum<KeapEmailStatus>
{
    /// <summary><c>UNENGAGED_MARKETABLE</c>: marketable, but no opens or clicks for a while.</summary>
    public static KeapEmailStatus UnengagedMarketable { get; } = new("UNENGAGED_MARKETABLE");

    /// <summary><c>SINGLE_OPT_IN</c>: opted in ("Unconfirmed"), marketable.</summary>
    public static KeapEmailStatus SingleOptIn { get; } = new("SINGLE_OPT_IN");

    /// <summary><c>DOUBLE_OPT_IN</c>: opted in and confirmed by the person.</summary>
    public static KeapEmailStatus DoubleOptIn { get; } = new("DOUBLE_OPT_IN");

    /// <summary><c>CONFIRMED</c>.</summary>
    public static KeapEmailStatus Confirmed { get; } = new("CONFIRMED");

    /// <summary><c>UNENGAGED_NON_MARKETABLE</c>.</summary>
    public static KeapEmailStatus UnengagedNonMarketable { get; } = new("UNENGAGED_NON_MARKETABLE");

    /// <summary><c>NON_MARKETABLE</c>: never opted in.</summary>
    public static KeapEmailStatus NonMarketable { get; } = new("NON_MARKETABLE");

    /// <summary><c>LOCKDOWN</c>.</summary>
    public static KeapEmailStatus Lockdown { get; } = new("LOCKDOWN");

    /// <summary><c>BOUNCE</c>.</summary>
    public static KeapEmailStatus Bounce { get; } = new("BOUNCE");

    /// <summary><c>HARD_BOUNCE</c>.</summary>
    public static KeapEmailStatus HardBounce { get; } = new("HARD_BOUNCE");

    /// <summary><c>MANUAL</c>: "Opt-Out: Manual"; the API may opt it in again.</summary>
    public static KeapEmailStatus Manual { get; } = new("MANUAL");

    /// <summary><c>ADMIN</c>: opted out by an administrator.</summary>
    public static KeapEmailStatus Admin { get; } = new("ADMIN");

    /// <summary><c>SYSTEM</c>: opted out by Keap.</summary>
    public static KeapEmailStatus System { get; } = new("SYSTEM");

    /// <summary><c>LIST_UNSUBSCRIBE</c>: the person unsubscribed.</summary>
    public static KeapEmailStatus ListUnsubscribe { get; } = new("LIST_UNSUBSCRIBE");

    /// <summary><c>FEEDBACK</c>.</summary>
    public static KeapEmailStatus Feedback { get; } = new("FEEDBACK");

    /// <summary><c>SPAM</c>: the person reported an email as spam.</summary>
    public static KeapEmailStatus Spam { get; } = new("SPAM");

    /// <summary><c>INVALID</c>.</summary>
    public static KeapEmailStatus Invalid { get; } = new("INVALID");

    /// <summary><c>DEACTIVATED</c>.</summary>
    public static KeapEmailStatus Deactivated { get; } = new("DEACTIVATED");

    /// <summary>
    /// Whether an opt-in through the API can make this address marketable. Keap's spec
    /// (<c>PATCH /v2/emailAddresses/{email}/status</c>): only Unengaged Marketable, Unengaged Non-Marketable,
    /// Non-Marketable and Opt-Out: Manual addresses are opted in; every other status stays as it is.
    /// </summary>
    public bool CanBeOptedInByApi => this == UnengagedMarketable || this == UnengagedNonMarketable || this == NonMarketable || this == Manual;

    static KeapEmailStatus IExtensibleEnum<KeapEmailStatus>.From(string value) => new(value);

    /// <summary>Keap's value.</summary>
    /// <returns><see cref="Value"/>.</returns>
    public override string ToString() => Value ?? string.Empty;
}

/// <summary>The type of a custom field (<c>field_type</c> of the contact model); unknown types are kept as they came.</summary>
/// <param name="Value">Keap's value, for example <c>TEXT</c>.</param>
[JsonConverter(typeof(ExtensibleEnumConverter<KeapCustomFieldType>))]
public readonly record struct KeapCustomFieldType(string Value) : IExtensibleEnum<KeapCustomFieldType>
{
    /// <summary><c>CURRENCY</c>: a number.</summary>
    public static KeapCustomFieldType Currency { get; } = new("CURRENCY");

    /// <summary><c>DATE</c>: a <see cref="DateOnly"/>.</summary>
    public static KeapCustomFieldType Date { get; } = new("DATE");

    /// <summary><c>DATE_TIME</c>: a <see cref="DateTimeOffset"/>.</summary>
    public static KeapCustomFieldType DateTime { get; } = new("DATE_TIME");

    /// <summary><c>DAY_OF_WEEK</c>.</summary>
    public static KeapCustomFieldType DayOfWeek { get; } = new("DAY_OF_WEEK");

    /// <summary><c>DECIMAL_NUMBER</c>: a number.</summary>
    public static KeapCustomFieldType DecimalNumber { get; } = new("DECIMAL_NUMBER");

    /// <summary><c>DRILLDOWN</c>: text.</summary>
    public static KeapCustomFieldType Drilldown { get; } = new("DRILLDOWN");

    /// <summary><c>DROPDOWN</c>: one of the field's options.</summary>
    public static KeapCustomFieldType Dropdown { get; } = new("DROPDOWN");

    /// <summary><c>EMAIL</c>: text.</summary>
    public static KeapCustomFieldType Email { get; } = new("EMAIL");

    /// <summary><c>LIST_BOX</c>: several of the field's options.</summary>
    public static KeapCustomFieldType ListBox { get; } = new("LIST_BOX");

    /// <summary><c>MONTH</c>: a whole number.</summary>
    public static KeapCustomFieldType Month { get; } = new("MONTH");

    /// <summary><c>NAME</c>: text.</summary>
    public static KeapCustomFieldType Name { get; } = new("NAME");

    /// <summary><c>PERCENT</c>: a number.</summary>
    public static KeapCustomFieldType Percent { get; } = new("PERCENT");

    /// <summary><c>PHONE_NUMBER</c>: text.</summary>
    public static KeapCustomFieldType PhoneNumber { get; } = new("PHONE_NUMBER");

    /// <summary><c>RADIO</c>: one of the field's options.</summary>
    public static KeapCustomFieldType Radio { get; } = new("RADIO");

    /// <summary><c>SOCIAL_SECURITY_NUMBER</c>: text.</summary>
    public static KeapCustomFieldType SocialSecurityNumber { get; } = new("SOCIAL_SECURITY_NUMBER");

    /// <summary><c>STATE</c>: text.</summary>
    public static KeapCustomFieldType State { get; } = new("STATE");

    /// <summary><c>TEXT</c>: text.</summary>
    public static KeapCustomFieldType Text { get; } = new("TEXT");

    /// <summary><c>TEXT_AREA</c>: text.</summary>
    public static KeapCustomFieldType TextArea { get; } = new("TEXT_AREA");

    /// <summary><c>USER</c>: a Keap user id (whole number).</summary>
    public static KeapCustomFieldType User { get; } = new("USER");

    /// <summary><c>USER_LIST_BOX</c>: several Keap user ids.</summary>
    public static KeapCustomFieldType UserListBox { get; } = new("USER_LIST_BOX");

    /// <summary><c>WEBSITE</c>: text.</summary>
    public static KeapCustomFieldType Website { get; } = new("WEBSITE");

    /// <summary><c>WHOLE_NUMBER</c>: a whole number.</summary>
    public static KeapCustomFieldType WholeNumber { get; } = new("WHOLE_NUMBER");

    /// <summary><c>YEAR</c>: a whole number.</summary>
    public static KeapCustomFieldType Year { get; } = new("YEAR");

    /// <summary><c>YES_NO</c>: a <see cref="bool"/>.</summary>
    public static KeapCustomFieldType YesNo { get; } = new("YES_NO");

    static KeapCustomFieldType IExtensibleEnum<KeapCustomFieldType>.From(string value) => new(value);

    /// <summary>Keap's value.</summary>
    /// <returns><see cref="Value"/>.</returns>
    public override string ToString() => Value ?? string.Empty;
}

/// <summary>A string-valued Keap enumeration that keeps values it does not know.</summary>
/// <typeparam name="T">The enumeration.</typeparam>
internal interface IExtensibleEnum<T>
    where T : struct, IExtensibleEnum<T>
{
    string Value { get; }

    static abstract T From(string value);
}

/// <summary>Reads and writes an <see cref="IExtensibleEnum{T}"/> as its string value.</summary>
/// <typeparam name="T">The enumeration.</typeparam>
internal sealed class ExtensibleEnumConverter<T> : JsonConverter<T>
    where T : struct, IExtensibleEnum<T>
{
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        T.From(reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw new JsonException($"Expected a string, got {reader.TokenType}."));

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(value.Value);
}
