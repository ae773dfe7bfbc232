using System.Text.Json.Nodes;

namespace Keap.ServiceAccount.Sandbox;

/// <summary>
/// Defines the custom fields and tags of <see cref="KeapSandboxOptions.CustomFields"/> and
/// <see cref="KeapSandboxOptions.Tags"/> when the sandbox is mapped, so a tester can give the standalone sandbox
/// what an app expects from configuration alone. What already exists (by label or name, case-insensitive) is kept.
/// </summary>
internal static class SandboxSeeds
{
    // The spec's CustomFieldMetaData.field_type enum.
    private static readonly string[] FieldTypes =
    [
        "CURRENCY", "DATE", "DATE_TIME", "DAY_OF_WEEK", "DECIMAL_NUMBER", "DRILLDOWN", "DROPDOWN", "EMAIL", "LIST_BOX", "MONTH",
        "NAME", "PERCENT", "PHONE_NUMBER", "RADIO", "SOCIAL_SECURITY_NUMBER", "STATE", "TEXT", "TEXT_AREA", "USER",
        "USER_LIST_BOX", "WEBSITE", "WHOLE_NUMBER", "YEAR", "YES_NO",
    ];

    /// <returns>Whether a tag was added (custom fields raise <see cref="KeapSandboxState.Changed"/> themselves).</returns>
    /// <exception cref="InvalidOperationException">A seed is invalid; the message names its configuration key.</exception>
    public static bool Apply(KeapSandboxState state, KeapSandboxOptions options, TimeProvider time)
    {
        for (var i = 0; i < options.CustomFields.Count; i++)
        {
            var field = options.CustomFields[i];
            if (string.IsNullOrWhiteSpace(field.Label))
            {
                throw new InvalidOperationException($"KeapSandbox:CustomFields:{i}:Label is required.");
            }

            if (!FieldTypes.Contains(field.FieldType, StringComparer.Ordinal))
            {
                throw new InvalidOperationException(
                    $"KeapSandbox:CustomFields:{i}:FieldType '{field.FieldType}' is not one of Keap's field types: {string.Join(", ", FieldTypes)}.");
            }

            bool exists;
            lock (state.Gate)
            {
                exists = state.CustomFieldRecords.Any(f => string.Equals((string?)f["label"], field.Label, StringComparison.OrdinalIgnoreCase));
            }

            if (!exists)
            {
                state.AddCustomField(field.Label, field.FieldType, [.. field.Options]);
            }
        }

        var added = false;
        for (var i = 0; i < options.Tags.Count; i++)
        {
            var name = options.Tags[i];
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new InvalidOperationException($"KeapSandbox:Tags:{i} is empty: give the tag a name.");
            }

            added |= AddTag(state, name, time);
        }

        return added;
    }

    private static bool AddTag(KeapSandboxState state, string name, TimeProvider time)
    {
        var now = Api.SandboxContacts.Format(time.GetUtcNow());
        lock (state.Gate)
        {
            if (state.TagRecords.Values.Any(t => string.Equals((string?)t["name"], name, StringComparison.OrdinalIgnoreCase)))
            {
                return false;
            }

            var id = state.NextId();
            state.TagRecords[id] = new JsonObject { ["id"] = KeapSandboxState.Id(id), ["name"] = name, ["create_time"] = now, ["update_time"] = now };
            return true;
        }
    }
}
