using System.Globalization;
using System.Text.Json.Nodes;

namespace Keap.ServiceAccount.Sandbox.Api;

/// <summary>
/// How the sandbox stores, changes and shows a contact as Keap's v2 spec describes it: arrays replaced whole,
/// <c>update_mask</c> limited to the spec's property names, email opt-in statuses kept per address, custom fields
/// checked against the contact model. Call everything under <see cref="KeapSandboxState.Gate"/>.
/// </summary>
internal static class SandboxContacts
{
    /// <summary>The spec's <c>update_mask</c> enum for <c>PATCH /v2/contacts/{id}</c>.</summary>
    public static readonly HashSet<string> UpdateMaskNames = new(StringComparer.Ordinal)
    {
        "addresses", "anniversary_date", "birth_date", "company", "contact_type", "create_time", "custom_fields",
        "email_addresses", "family_name", "fax_numbers", "given_name", "id", "job_title", "leadsource_id", "links",
        "middle_name", "notes", "origin", "owner_id", "phone_numbers", "preferred_locale", "preferred_name", "prefix",
        "referral_code", "score_value", "social_accounts", "source_type", "spouse_name", "suffix", "tag_ids", "time_zone",
        "update_time", "utm_parameters", "website", "account_id", "assistant_name", "assistant_phone",
        "billing_information", "created_by", "groups", "last_updated_by",
    };

    // A new contact needs one item in one of these.
    private static readonly string[] ContactPoints = ["email_addresses", "phone_numbers", "addresses"];

    // Set by Keap, never by a write.
    private static readonly HashSet<string> ServerProperties = new(StringComparer.Ordinal)
    {
        "id", "create_time", "update_time", "tag_ids", "links", "notes", "score_value", "groups", "account_id",
        "created_by", "last_updated_by",
    };

    // Marketable statuses (opted_in true), and the ones the spec lets an API opt-in change.
    private static readonly HashSet<string> Marketable = new(StringComparer.Ordinal) { "UNENGAGED_MARKETABLE", "SINGLE_OPT_IN", "DOUBLE_OPT_IN", "CONFIRMED" };
    private static readonly HashSet<string> OptInAllowed = new(StringComparer.Ordinal) { "UNENGAGED_MARKETABLE", "UNENGAGED_NON_MARKETABLE", "NON_MARKETABLE", "MANUAL" };

    /// <summary>Checks a create or update body; returns Keap's 400 message, or <see langword="null"/> when it is fine.</summary>
    public static string? Validate(KeapSandboxState state, JsonObject input, bool creating)
    {
        if (creating && !ContactPoints.Any(a => input[a] is JsonArray { Count: > 0 }))
        {
            return "Contact must contain at least one item in email_addresses, phone_numbers, or addresses";
        }

        foreach (var email in input["email_addresses"] as JsonArray ?? [])
        {
            if (email?["email"]?.GetValueKind() is not System.Text.Json.JsonValueKind.String)
            {
                return "Every item of email_addresses needs an email";
            }

            if ((string?)email["field"] is { } field && field is not ("EMAIL1" or "EMAIL2" or "EMAIL3"))
            {
                return $"Invalid email address field '{field}'";
            }
        }

        foreach (var address in input["addresses"] as JsonArray ?? [])
        {
            if (address?["region_code"] is not null && address["country_code"] is null)
            {
                return "country_code is required if region is specified";
            }
        }

        if (input["utm_parameters"] is { } utm && utm["keap_source_id"] is null)
        {
            return "utm_parameters.keap_source_id is required";
        }

        foreach (var value in input["custom_fields"] as JsonArray ?? [])
        {
            var id = value?["id"]?.ToString();
            if (id is null || !state.CustomFieldRecords.Any(f => (string?)f["id"] == id))
            {
                return $"Unknown custom field id '{id}'";
            }
        }

        return null;
    }

    /// <summary>
    /// Writes <paramref name="input"/> into <paramref name="stored"/>: every property named (all the body's when
    /// <paramref name="mask"/> is <see langword="null"/>), arrays replaced whole; a masked name missing from the body is cleared.
    /// </summary>
    public static void Write(KeapSandboxState state, JsonObject stored, JsonObject input, IReadOnlyCollection<string>? mask, DateTimeOffset now)
    {
        foreach (var name in mask ?? [.. input.Select(p => p.Key)])
        {
            if (ServerProperties.Contains(name))
            {
                continue;
            }

            var value = input[name]?.DeepClone();
            switch (name)
            {
                case "email_addresses":
                    RecordOptIns(state, value as JsonArray ?? [], now);
                    stored[name] = value;
                    break;
                case "origin":
                    stored[name] = value is null ? null : Present(new() { ["ip_address"] = value["ip_address"]?.DeepClone(), ["date"] = Format(now) });
                    break;
                case "utm_parameters":
                    // Keap keeps every touch: the request's object joins the stored list, in the reply's camelCase shape.
                    var touches = stored[name] as JsonArray ?? [];
                    foreach (var touch in touches)
                    {
                        touch!["lastTouch"] = false;
                    }

                    if (value is not null)
                    {
                        touches.Add(Present(new()
                        {
                            ["id"] = touches.Count + 1,
                            ["keapSourceId"] = value["keap_source_id"]?.DeepClone(),
                            ["utmSource"] = value["utm_source"]?.DeepClone(),
                            ["utmMedium"] = value["utm_medium"]?.DeepClone(),
                            ["utmTerm"] = value["utm_term"]?.DeepClone(),
                            ["utmCampaign"] = value["utm_campaign"]?.DeepClone(),
                            ["utmContent"] = value["utm_content"]?.DeepClone(),
                            ["firstTouch"] = touches.Count == 0,
                            ["lastTouch"] = true,
                            ["dateCreated"] = Format(now),
                        }));
                    }

                    stored[name] = touches;
                    break;
                default:
                    stored[name] = value;
                    break;
            }

            // A masked name the body leaves out is cleared, as Keap's update_mask means.
            if (stored[name] is null)
            {
                stored.Remove(name);
            }
        }

        stored["update_time"] = Format(now);
    }

    /// <summary>The contact as Keap shows it: opt-in status on each address, tag ids, and only <paramref name="fields"/> when given.</summary>
    public static JsonObject View(KeapSandboxState state, JsonObject stored, IReadOnlyCollection<string>? fields)
    {
        // Present: a state file written before unset properties were left out may still hold nulls.
        var view = Present(stored.DeepClone().AsObject());
        foreach (var email in view["email_addresses"] as JsonArray ?? [])
        {
            if (email is JsonObject address && (string?)address["email"] is { } text && state.EmailStatuses.GetValueOrDefault(text) is { } status)
            {
                address["is_opt_in"] = Marketable.Contains(status.Status);
                address["email_opt_status"] = status.Status;
            }
        }

        var id = long.Parse((string)stored["id"]!, CultureInfo.InvariantCulture);
        var tagIds = state.TagsByContact.GetValueOrDefault(id)?.Keys.Order() ?? Enumerable.Empty<long>();
        view["tag_ids"] = new JsonArray([.. tagIds.Select(t => JsonValue.Create(KeapSandboxState.Id(t)))]);
        if (fields is not null)
        {
            foreach (var name in view.Select(p => p.Key).ToList())
            {
                if (name != "id" && !fields.Contains(name))
                {
                    view.Remove(name);
                }
            }
        }

        return view;
    }

    /// <summary>The reply of <c>/v2/emailAddresses/{email}/status</c>.</summary>
    public static JsonObject StatusView(string email, SandboxEmailStatus status) => new()
    {
        ["email"] = email,
        ["opted_in"] = Marketable.Contains(status.Status),
        ["status"] = status.Status,
        ["create_time"] = Format(status.CreateTime),
    };

    /// <summary>
    /// An opt-in or opt-out through <c>PATCH /v2/emailAddresses/{email}/status</c>. Keap's spec: an opt-in changes only
    /// Unengaged Marketable, Unengaged Non-Marketable, Non-Marketable and Opt-Out: Manual addresses; every other status
    /// stays. An opt-out of a marketable (or never opted-in) address records an administrator's opt-out.
    /// </summary>
    public static SandboxEmailStatus ChangeOptIn(SandboxEmailStatus current, bool optIn) => optIn
        ? OptInAllowed.Contains(current.Status) ? current with { Status = "SINGLE_OPT_IN" } : current
        : Marketable.Contains(current.Status) || OptInAllowed.Contains(current.Status) ? current with { Status = "ADMIN" } : current;

    /// <summary>
    /// Drops the properties that are unset: the spec types them (string, boolean…), so Keap leaves them out rather
    /// than writing <c>null</c>. Custom field <c>content</c> is untyped and kept as it is.
    /// </summary>
    public static JsonObject Present(JsonObject value)
    {
        foreach (var (name, child) in value.ToList())
        {
            switch (child)
            {
                case null when name != "content":
                    value.Remove(name);
                    break;
                case JsonObject nested:
                    Present(nested);
                    break;
                case JsonArray items:
                    foreach (var item in items.OfType<JsonObject>())
                    {
                        Present(item);
                    }

                    break;
            }
        }

        return value;
    }

    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>An address written with an <c>opt_in_reason</c> is opted in if its status allows; a new one without is non-marketable.</summary>
    private static void RecordOptIns(KeapSandboxState state, JsonArray emails, DateTimeOffset now)
    {
        foreach (var email in emails)
        {
            var address = (string)email!["email"]!;
            var reason = (string?)email["opt_in_reason"];
            var current = state.EmailStatuses.GetValueOrDefault(address) ?? new SandboxEmailStatus("NON_MARKETABLE", now);
            state.EmailStatuses[address] = string.IsNullOrWhiteSpace(reason) ? current : ChangeOptIn(current, optIn: true);
        }
    }
}
