using System.Text.Json;
using System.Text.Json.Nodes;

namespace Keap.ServiceAccount.Sandbox.Tests;

/// <summary>One object schema of Keap's OpenAPI v2 spec: property name → type, and the required names.</summary>
/// <param name="required">The properties the schema requires.</param>
internal sealed class SpecSchema(params string[] required) : Dictionary<string, string>(StringComparer.Ordinal)
{
    public IReadOnlyList<string> Required { get; } = required;
}

/// <summary>
/// The response schemas of Keap's OpenAPI v2 spec (keap-sdk sdks/v2/swagger.yml, components.schemas) that the sandbox
/// answers with, copied here as data so the repository does not carry the spec. Types: <c>string</c>,
/// <c>integer</c>, <c>boolean</c>, <c>any</c> (the spec gives none), another schema's name, <c>T[]</c> for an array,
/// <c>map&lt;T&gt;</c> for an object of T values. OpenAPI 3.1: a typed property is never <c>null</c>.
/// </summary>
internal static class SpecSchemas
{
    public static readonly Dictionary<string, SpecSchema> All = new(StringComparer.Ordinal)
    {
        ["Link"] = new()
        {
            ["id"] = "string", ["linked_contact_id"] = "string", ["link_type_id"] = "string", ["link_type_name"] = "string",
        },
        ["Address"] = new()
        {
            ["country"] = "string", ["line1"] = "string", ["line2"] = "string", ["locality"] = "string",
            ["region"] = "string", ["field"] = "string", ["country_code"] = "string", ["postal_code"] = "string",
            ["region_code"] = "string", ["zip_code"] = "string", ["zip_four"] = "string",
        },
        ["BasicCompany"] = new()
        {
            ["id"] = "string", ["company_name"] = "string",
        },
        ["Origin"] = new()
        {
            ["date"] = "string", ["ip_address"] = "string",
        },
        ["CustomFieldValue"] = new()
        {
            ["id"] = "string", ["content"] = "any",
        },
        ["EmailAddress"] = new()
        {
            ["email"] = "string", ["field"] = "string", ["opt_in_reason"] = "string", ["is_opt_in"] = "boolean",
            ["email_opt_status"] = "string",
        },
        ["FaxNumber"] = new()
        {
            ["number"] = "string", ["type"] = "string", ["field"] = "string",
        },
        ["PhoneNumber"] = new()
        {
            ["extension"] = "string", ["number"] = "string", ["type"] = "string", ["field"] = "string",
            ["number_e164"] = "string",
        },
        ["SocialAccount"] = new("type")
        {
            ["name"] = "string", ["type"] = "string",
        },
        ["ContactUtmResponse"] = new()
        {
            ["id"] = "integer", ["keapSourceId"] = "string", ["utmSource"] = "string", ["utmMedium"] = "string",
            ["utmTerm"] = "string", ["utmCampaign"] = "string", ["utmContent"] = "string", ["firstTouch"] = "boolean",
            ["lastTouch"] = "boolean", ["dateCreated"] = "string",
        },
        ["Contact"] = new()
        {
            ["id"] = "string", ["links"] = "Link[]", ["addresses"] = "Address[]", ["company"] = "BasicCompany",
            ["origin"] = "Origin", ["prefix"] = "string", ["suffix"] = "string", ["website"] = "string",
            ["groups"] = "string", ["update_time"] = "string", ["create_time"] = "string", ["score_value"] = "string",
            ["tag_ids"] = "string[]", ["anniversary_date"] = "string", ["birth_date"] = "string",
            ["contact_type"] = "string", ["custom_fields"] = "CustomFieldValue[]", ["email_addresses"] = "EmailAddress[]",
            ["family_name"] = "string", ["fax_numbers"] = "FaxNumber[]", ["given_name"] = "string",
            ["job_title"] = "string", ["leadsource_id"] = "string", ["middle_name"] = "string", ["owner_id"] = "string",
            ["phone_numbers"] = "PhoneNumber[]", ["preferred_locale"] = "string", ["preferred_name"] = "string",
            ["referral_code"] = "string", ["social_accounts"] = "SocialAccount[]", ["source_type"] = "string",
            ["spouse_name"] = "string", ["time_zone"] = "string", ["utm_parameters"] = "ContactUtmResponse[]",
            ["account_id"] = "string", ["assistant_name"] = "string", ["assistant_phone"] = "string",
            ["billing_information"] = "string", ["created_by"] = "string", ["last_updated_by"] = "string",
        },
        ["CategoryReference"] = new("id")
        {
            ["id"] = "string",
        },
        ["Tag"] = new()
        {
            ["id"] = "string", ["name"] = "string", ["description"] = "string", ["category"] = "CategoryReference",
            ["create_time"] = "string", ["update_time"] = "string",
        },
        ["ListContactsResponse"] = new()
        {
            ["contacts"] = "Contact[]", ["next_page_token"] = "string",
        },
        ["ListTagsResponse"] = new()
        {
            ["tags"] = "Tag[]", ["next_page_token"] = "string",
        },
        ["AppliedTag"] = new()
        {
            ["tag"] = "Tag", ["applied_time"] = "string",
        },
        ["ListContactTagsResponse"] = new()
        {
            ["tags"] = "AppliedTag[]", ["next_page_token"] = "string",
        },
        ["ApplyTagsResponse"] = new()
        {
            ["results"] = "map<string>",
        },
        ["CustomFieldOption"] = new()
        {
            ["id"] = "string", ["label"] = "string",
        },
        ["CustomFieldMetaData"] = new()
        {
            ["id"] = "string", ["label"] = "string", ["options"] = "CustomFieldOption[]", ["record_type"] = "string",
            ["field_type"] = "string", ["default_value"] = "string", ["group_id"] = "string", ["group_name"] = "string",
            ["field_name"] = "string",
        },
        ["ObjectModel"] = new()
        {
            ["custom_fields"] = "CustomFieldMetaData[]", ["optional_properties"] = "string[]",
        },
        ["RestEmailAddressStatus"] = new("create_time", "email", "opted_in", "status")
        {
            ["email"] = "string", ["opted_in"] = "boolean", ["status"] = "string", ["create_time"] = "string",
            ["last_click_time"] = "string", ["last_open_time"] = "string", ["last_sent_time"] = "string",
        },
        ["ErrorDetails"] = new()
        {
            ["domain"] = "string", ["resource"] = "string",
        },
        ["Error"] = new()
        {
            ["code"] = "integer", ["message"] = "string", ["status"] = "string", ["details"] = "ErrorDetails[]",
        },
    };

    /// <summary>Every way <paramref name="node"/> departs from <paramref name="type"/>, as <c>path: problem</c> lines.</summary>
    public static IReadOnlyList<string> Check(string type, JsonNode? node, string path = "$")
    {
        var problems = new List<string>();
        Check(type, node, path, problems);
        return problems;
    }

    private static void Check(string type, JsonNode? node, string path, List<string> problems)
    {
        if (type == "any")
        {
            return;
        }

        if (node is null)
        {
            problems.Add($"{path}: null where the spec says {type}");
            return;
        }

        if (type.EndsWith("[]", StringComparison.Ordinal))
        {
            if (node is not JsonArray array)
            {
                problems.Add($"{path}: {node.GetValueKind()} where the spec says {type}");
                return;
            }

            for (var i = 0; i < array.Count; i++)
            {
                Check(type[..^2], array[i], $"{path}[{i}]", problems);
            }

            return;
        }

        if (type.StartsWith("map<", StringComparison.Ordinal))
        {
            if (node is not JsonObject map)
            {
                problems.Add($"{path}: {node.GetValueKind()} where the spec says {type}");
                return;
            }

            foreach (var (name, value) in map)
            {
                Check(type[4..^1], value, $"{path}.{name}", problems);
            }

            return;
        }

        if (All.TryGetValue(type, out var schema))
        {
            if (node is not JsonObject value)
            {
                problems.Add($"{path}: {node.GetValueKind()} where the spec says {type}");
                return;
            }

            foreach (var (name, property) in value)
            {
                if (!schema.TryGetValue(name, out var propertyType))
                {
                    problems.Add($"{path}.{name}: not a property of {type}");
                    continue;
                }

                Check(propertyType, property, $"{path}.{name}", problems);
            }

            problems.AddRange(schema.Required.Where(r => !value.ContainsKey(r)).Select(r => $"{path}.{r}: required by {type}, missing"));
            return;
        }

        var kind = node.GetValueKind();
        var fits = type switch
        {
            "string" => kind == JsonValueKind.String,
            "boolean" => kind is JsonValueKind.True or JsonValueKind.False,
            "integer" => kind == JsonValueKind.Number && node.AsValue().TryGetValue<long>(out _),
            _ => throw new ArgumentException($"Unknown spec type '{type}'", nameof(type)),
        };
        if (!fits)
        {
            problems.Add($"{path}: {kind} where the spec says {type}");
        }
    }
}
