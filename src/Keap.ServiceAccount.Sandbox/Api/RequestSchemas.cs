using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Keap.ServiceAccount.Sandbox.Api;

/// <summary>One request-body schema of Keap's v2 spec: property name → type, and the required names.</summary>
/// <param name="required">The properties the schema requires.</param>
internal sealed class RequestSchema(params string[] required) : Dictionary<string, string>(StringComparer.Ordinal)
{
    public IReadOnlyList<string> Required { get; } = required;
}

/// <summary>
/// The request bodies the sandbox accepts, as Keap's v2 spec declares them (<c>components.schemas</c>), so a body
/// the spec would refuse is refused with a message naming the property instead of being stored. Types:
/// <c>string</c>, <c>string(n)</c> (at most n characters), <c>boolean</c>, <c>enum:A|B</c>, <c>any</c> (the spec
/// gives no type), <c>id</c> (a string, or a number as in Keap's own examples), another schema's name, <c>T[]</c>.
/// A typed property is never <c>null</c> (OpenAPI 3.1), and no schema allows properties it does not name.
/// </summary>
internal static class RequestSchemas
{
    private static readonly Dictionary<string, RequestSchema> All = new(StringComparer.Ordinal)
    {
        ["Address"] = new()
        {
            ["country"] = "string", ["line1"] = "string", ["line2"] = "string", ["locality"] = "string",
            ["region"] = "string", ["field"] = "enum:ADDRESS_FIELD_UNSPECIFIED|BILLING|SHIPPING|OTHER",
            ["country_code"] = "string", ["postal_code"] = "string", ["region_code"] = "string",
            ["zip_code"] = "string", ["zip_four"] = "string",
        },
        ["BasicCompany"] = new()
        {
            ["id"] = "string", ["company_name"] = "string",
        },
        ["OriginRequest"] = new()
        {
            ["ip_address"] = "string",
        },
        ["CustomFieldValue"] = new()
        {
            ["id"] = "string", ["content"] = "any",
        },
        ["EmailAddressRequest"] = new()
        {
            ["email"] = "string", ["field"] = "enum:EMAIL_FIELD_UNSPECIFIED|EMAIL1|EMAIL2|EMAIL3",
            ["opt_in_reason"] = "string",
        },
        ["FaxNumber"] = new()
        {
            ["number"] = "string", ["type"] = "string", ["field"] = "enum:FAX_NUMBER_FIELD_UNSPECIFIED|FAX1|FAX2",
        },
        ["PhoneNumber"] = new()
        {
            ["extension"] = "string", ["number"] = "string", ["type"] = "string",
            ["field"] = "enum:PHONE_NUMBER_FIELD_UNSPECIFIED|PHONE1|PHONE2|PHONE3|PHONE4|PHONE5",
            ["number_e164"] = "string",
        },
        ["SocialAccount"] = new("type")
        {
            ["name"] = "string",
            ["type"] = "enum:SOCIAL_ACCOUNT_TYPE_UNSPECIFIED|FACEBOOK|LINKED_IN|TWITTER|INSTAGRAM|SNAPCHAT|YOUTUBE|PINTEREST",
        },
        ["CreateContactUtmPropertiesRequest"] = new("keap_source_id")
        {
            ["keap_source_id"] = "string", ["utm_source"] = "string", ["utm_medium"] = "string",
            ["utm_term"] = "string", ["utm_campaign"] = "string", ["utm_content"] = "string",
        },
        ["CreateUpdateContactRequest"] = new()
        {
            ["addresses"] = "Address[]", ["company"] = "BasicCompany", ["origin"] = "OriginRequest",
            ["prefix"] = "string", ["suffix"] = "string", ["website"] = "string(100)", ["anniversary_date"] = "string",
            ["birth_date"] = "string", ["contact_type"] = "string", ["custom_fields"] = "CustomFieldValue[]",
            ["email_addresses"] = "EmailAddressRequest[]", ["family_name"] = "string(40)",
            ["fax_numbers"] = "FaxNumber[]", ["given_name"] = "string(40)", ["job_title"] = "string(255)",
            ["leadsource_id"] = "string", ["middle_name"] = "string(100)", ["owner_id"] = "string",
            ["phone_numbers"] = "PhoneNumber[]", ["preferred_locale"] = "string", ["preferred_name"] = "string(100)",
            ["referral_code"] = "string", ["social_accounts"] = "SocialAccount[]",
            ["source_type"] = "enum:SOURCE_TYPE_UNSPECIFIED|API|APPOINTMENT|FORM_API_HOSTED|FORM_API_INTERNAL|IMPORT|"
                + "INTERNAL_FORM|LANDING_PAGE|MANUAL|OTHER|UNKNOWN|WEBFORM",
            ["spouse_name"] = "string(100)", ["time_zone"] = "string",
            ["utm_parameters"] = "CreateContactUtmPropertiesRequest", ["assistant_name"] = "string(20)",
            ["assistant_phone"] = "string(15)", ["billing_information"] = "string(100)",
        },
        ["CategoryReference"] = new("id")
        {
            ["id"] = "string",
        },
        ["CreateUpdateTagRequest"] = new()
        {
            ["name"] = "string", ["description"] = "string", ["category"] = "CategoryReference",
        },
        ["ApplyRemoveTagRequest"] = new("contact_ids")
        {
            ["contact_ids"] = "id[]",
        },
        // Keap's v1 RestHookRequest, of POST and PUT /rest/v1/hooks.
        ["RestHookRequest"] = new("eventKey", "hookUrl")
        {
            ["eventKey"] = "string", ["hookUrl"] = "string",
        },
        ["UpdateEmailAddress"] = new("opted_in", "reason")
        {
            ["reason"] = "string", ["opted_in"] = "boolean",
        },
    };

    /// <summary>The first way <paramref name="body"/> departs from <paramref name="schema"/>, as Keap's 400 message; <see langword="null"/> when it fits.</summary>
    public static string? Check(string schema, JsonObject body) => Check(schema, body, "");

    private static string? Check(string type, JsonNode? node, string path)
    {
        if (type == "any")
        {
            return null;
        }

        var name = path.Length == 0 ? "The body" : $"'{path}'";
        if (node is null)
        {
            return $"{name} must not be null: leave it out instead";
        }

        if (type.EndsWith("[]", StringComparison.Ordinal))
        {
            if (node is not JsonArray array)
            {
                return $"{name} must be an array";
            }

            for (var i = 0; i < array.Count; i++)
            {
                if (Check(type[..^2], array[i], $"{path}[{i.ToString(CultureInfo.InvariantCulture)}]") is { } problem)
                {
                    return problem;
                }
            }

            return null;
        }

        if (All.TryGetValue(type, out var schema))
        {
            return node is JsonObject value ? CheckObject(schema, value, path) : $"{name} must be an object";
        }

        var kind = node.GetValueKind();
        if (type.StartsWith("enum:", StringComparison.Ordinal))
        {
            var values = type[5..].Split('|');
            return kind == JsonValueKind.String && values.Contains((string?)node, StringComparer.Ordinal)
                ? null
                : $"{name} must be one of {string.Join(", ", values)}";
        }

        if (type == "boolean")
        {
            return kind is JsonValueKind.True or JsonValueKind.False ? null : $"{name} must be true or false";
        }

        if (type == "id")
        {
            return kind is JsonValueKind.String or JsonValueKind.Number ? null : $"{name} must be an id";
        }

        if (kind != JsonValueKind.String)
        {
            return $"{name} must be a string";
        }

        var open = type.IndexOf('(', StringComparison.Ordinal);
        return open > 0 && ((string)node!).Length > int.Parse(type[(open + 1)..^1], CultureInfo.InvariantCulture)
            ? $"{name} must be at most {type[(open + 1)..^1]} characters long"
            : null;
    }

    private static string? CheckObject(RequestSchema schema, JsonObject value, string path)
    {
        var prefix = path.Length == 0 ? "" : path + ".";
        foreach (var (property, child) in value)
        {
            if (!schema.TryGetValue(property, out var propertyType))
            {
                return $"Unknown property '{prefix}{property}': it may be one of {string.Join(", ", schema.Keys)}";
            }

            if (Check(propertyType, child, prefix + property) is { } problem)
            {
                return problem;
            }
        }

        return schema.Required.FirstOrDefault(r => !value.ContainsKey(r)) is { } missing ? $"'{prefix}{missing}' is required" : null;
    }
}
