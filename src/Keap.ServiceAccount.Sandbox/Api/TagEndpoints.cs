using System.Globalization;
using System.Text.Json.Nodes;
using static Keap.ServiceAccount.Sandbox.Api.ApiErrors;
using static Keap.ServiceAccount.Sandbox.Api.ApiPaging;
using static Keap.ServiceAccount.Sandbox.Api.ApiRequests;
using static Keap.ServiceAccount.Sandbox.Api.ContactEndpoints;

namespace Keap.ServiceAccount.Sandbox.Api;

/// <summary>The v2 tag routes: list, create, get, delete, apply and remove, and the tags of one contact.</summary>
internal static class TagEndpoints
{
    internal static IResult ContactTags(HttpContext context, KeapSandboxState state, string id, int? page_size, string? page_token)
    {
        lock (state.Gate)
        {
            if (FindContact(state, id) is null)
            {
                return ContactNotFound(id);
            }

            var applied = state.TagsByContact.GetValueOrDefault(long.Parse(id, CultureInfo.InvariantCulture)) ?? [];
            var items = applied.OrderBy(a => a.Key).Select(a => new JsonObject
            {
                ["tag"] = state.TagRecords[a.Key].DeepClone(),
                ["applied_time"] = SandboxContacts.Format(a.Value),
            });
            return Page(context, "tags", items, page_size, page_token);
        }
    }

    internal static IResult ListTags(HttpContext context, KeapSandboxState state, string? filter, string? order_by, int? page_size, string? page_token)
    {
        string? name = null;
        if (filter is not null && !TryParseFilter(filter, "name", out name))
        {
            return BadRequest("Unsupported filter; use name==value");
        }

        if (!TryOrder(order_by, ["name", "create_time", "update_time"], out var order, out var descending))
        {
            return BadRequest("order_by must be one of name, create_time, update_time, optionally followed by asc or desc");
        }

        lock (state.Gate)
        {
            var tags = state.TagRecords.Values.Where(t => name is null || string.Equals((string?)t["name"], name, StringComparison.OrdinalIgnoreCase));
            if (order is not null)
            {
                tags = descending
                    ? tags.OrderByDescending(t => (string?)t[order] ?? "", StringComparer.Ordinal)
                    : tags.OrderBy(t => (string?)t[order] ?? "", StringComparer.Ordinal);
            }

            return Page(context, "tags", tags.Select(t => t.DeepClone().AsObject()), page_size, page_token);
        }
    }

    internal static async Task<IResult> CreateTagAsync(HttpRequest request, KeapSandboxState state, TimeProvider time)
    {
        if (await ReadObjectAsync(request).ConfigureAwait(false) is not { } input
            || input["name"] is not JsonValue nameValue
            || !nameValue.TryGetValue<string>(out var name)
            || string.IsNullOrWhiteSpace(name))
        {
            return BadRequest("A tag needs a name");
        }

        StripServerFields(input);
        var now = SandboxContacts.Format(time.GetUtcNow());
        lock (state.Gate)
        {
            if (state.TagRecords.Values.Any(t => string.Equals((string?)t["name"], name, StringComparison.OrdinalIgnoreCase)))
            {
                return SandboxResults.KeapError(StatusCodes.Status409Conflict, "ALREADY_EXISTS", $"A tag named '{name}' already exists", "tag");
            }

            return Insert(state, state.TagRecords, input, now);
        }
    }

    internal static IResult GetTag(KeapSandboxState state, string id) => Get(state, id, FindTag, TagNotFound);

    internal static IResult DeleteTag(KeapSandboxState state, string id)
    {
        lock (state.Gate)
        {
            if (!long.TryParse(id, out var key) || !state.TagRecords.Remove(key))
            {
                return TagNotFound(id);
            }

            foreach (var applied in state.TagsByContact.Values)
            {
                applied.Remove(key);
            }

            return Results.NoContent();
        }
    }

    internal static IResult Get(
        KeapSandboxState state, string id, Func<KeapSandboxState, string, JsonObject?> find, Func<string, IResult> notFound)
    {
        lock (state.Gate)
        {
            return find(state, id) is { } record ? Results.Json(record.DeepClone(), SandboxResults.Json) : notFound(id);
        }
    }

    internal static async Task<IResult> ApplyTagsAsync(HttpRequest request, KeapSandboxState state, TimeProvider time, string id)
    {
        var contactIds = await ReadContactIdsAsync(request).ConfigureAwait(false);
        if (contactIds.Error is { } error)
        {
            return error;
        }

        var now = time.GetUtcNow();
        lock (state.Gate)
        {
            if (FindTag(state, id) is null)
            {
                return TagNotFound(id);
            }

            var tagId = long.Parse(id, CultureInfo.InvariantCulture);
            var results = new JsonObject();
            foreach (var contactId in contactIds.Ids)
            {
                if (!state.ContactRecords.ContainsKey(contactId))
                {
                    results[KeapSandboxState.Id(contactId)] = "NOT_FOUND";
                    continue;
                }

                if (!state.TagsByContact.TryGetValue(contactId, out var applied))
                {
                    state.TagsByContact[contactId] = applied = [];
                }

                results[KeapSandboxState.Id(contactId)] = applied.TryAdd(tagId, now) ? "SUCCESS" : "DUPLICATE";
            }

            return Results.Json(new JsonObject { ["results"] = results }, SandboxResults.Json);
        }
    }

    internal static async Task<IResult> RemoveTagsAsync(HttpRequest request, KeapSandboxState state, string id)
    {
        var contactIds = await ReadContactIdsAsync(request).ConfigureAwait(false);
        if (contactIds.Error is { } error)
        {
            return error;
        }

        lock (state.Gate)
        {
            if (FindTag(state, id) is null)
            {
                return TagNotFound(id);
            }

            var tagId = long.Parse(id, CultureInfo.InvariantCulture);
            foreach (var contactId in contactIds.Ids)
            {
                if (state.TagsByContact.TryGetValue(contactId, out var applied))
                {
                    applied.Remove(tagId);
                }
            }

            return Results.NoContent();
        }
    }

    /// <remarks>Call under <see cref="KeapSandboxState.Gate"/>.</remarks>
    internal static IResult Insert(KeapSandboxState state, SortedDictionary<long, JsonObject> records, JsonObject input, string now)
    {
        var id = state.NextId();
        input["id"] = KeapSandboxState.Id(id);
        input["create_time"] = now;
        input["update_time"] = now;
        records[id] = input;
        return Results.Json(input.DeepClone(), SandboxResults.Json, statusCode: StatusCodes.Status201Created);
    }

    internal static JsonObject? FindTag(KeapSandboxState state, string id) =>
        long.TryParse(id, out var key) ? state.TagRecords.GetValueOrDefault(key) : null;

    internal static void StripServerFields(JsonObject input)
    {
        input.Remove("id");
        input.Remove("create_time");
        input.Remove("update_time");
    }

    internal static bool TryParseFilter(string filter, string field, out string? value)
    {
        var prefix = field + "==";
        value = filter.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? filter[prefix.Length..] : null;
        return value is { Length: > 0 };
    }
}
