using System.Diagnostics.CodeAnalysis;
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
    internal static IResult ContactTags(
        HttpContext context, KeapSandboxState state, string id, string? filter, string? order_by, string? page_size, string? page_token)
    {
        if (!TryNameFilter(filter, out var name, out var badFilter))
        {
            return BadRequest(badFilter);
        }

        string[] orders = ["name", "create_time", "update_time", "applied_time"];
        if (!TryOrder(order_by, orders, out var order, out var descending))
        {
            return BadOrder(order_by, orders);
        }

        lock (state.Gate)
        {
            if (FindContact(state, id) is null)
            {
                return ContactNotFound(id);
            }

            var applied = state.TagsByContact.GetValueOrDefault(long.Parse(id, CultureInfo.InvariantCulture)) ?? [];
            var items = applied.OrderBy(a => a.Key)
                .Select(a => new JsonObject
                {
                    ["tag"] = state.TagRecords[a.Key].DeepClone(),
                    ["applied_time"] = SandboxContacts.Format(a.Value),
                })
                .Where(a => name is null || SameName(a["tag"]!.AsObject(), name));
            if (order is not null)
            {
                // Every time is written in one fixed ISO 8601 form, so ordinal order is time order.
                Func<JsonObject, string> key = order == "applied_time" ? a => (string)a["applied_time"]! : a => (string?)a["tag"]![order] ?? "";
                items = descending ? items.OrderByDescending(key, StringComparer.Ordinal) : items.OrderBy(key, StringComparer.Ordinal);
            }

            return Page(context, "tags", items, page_size, page_token);
        }
    }

    internal static IResult ListTags(HttpContext context, KeapSandboxState state, string? filter, string? order_by, string? page_size, string? page_token)
    {
        if (!TryNameFilter(filter, out var name, out var badFilter))
        {
            return BadRequest(badFilter);
        }

        string[] orders = ["name", "create_time", "update_time"];
        if (!TryOrder(order_by, orders, out var order, out var descending))
        {
            return BadOrder(order_by, orders);
        }

        lock (state.Gate)
        {
            var tags = state.TagRecords.Values.Where(t => name is null || SameName(t, name));
            if (order is not null)
            {
                tags = descending
                    ? tags.OrderByDescending(t => (string?)t[order] ?? "", StringComparer.Ordinal)
                    : tags.OrderBy(t => (string?)t[order] ?? "", StringComparer.Ordinal);
            }

            return Page(context, "tags", tags.Select(t => t.DeepClone().AsObject()), page_size, page_token);
        }
    }

    internal static async Task<IResult> CreateTagAsync(HttpRequest request, KeapSandboxState state, KeapSandboxHooks hooks, TimeProvider time)
    {
        if (await ReadObjectAsync(request).ConfigureAwait(false) is not { } input
            || input["name"] is not JsonValue nameValue
            || !nameValue.TryGetValue<string>(out var name)
            || string.IsNullOrWhiteSpace(name))
        {
            return BadRequest("A tag needs a name");
        }

        if (RequestSchemas.Check("CreateUpdateTagRequest", input) is { } refused)
        {
            return BadRequest(refused);
        }

        var now = SandboxContacts.Format(time.GetUtcNow());
        lock (state.Gate)
        {
            if (state.TagRecords.Values.Any(t => SameName(t, name)))
            {
                return SandboxResults.KeapError(StatusCodes.Status409Conflict, "ALREADY_EXISTS", $"A tag named '{name}' already exists", "tag");
            }

            var created = Insert(state, state.TagRecords, input, now);
            hooks.RaiseTag(request, HookEventKeys.TagAdd, long.Parse((string)input["id"]!, CultureInfo.InvariantCulture));
            return created;
        }
    }

    internal static IResult GetTag(KeapSandboxState state, string id) => Get(state, id, FindTag, TagNotFound);

    internal static IResult DeleteTag(HttpRequest request, KeapSandboxState state, KeapSandboxHooks hooks, string id)
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

            hooks.RaiseTag(request, HookEventKeys.TagDelete, key);
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

    internal static async Task<IResult> ApplyTagsAsync(HttpRequest request, KeapSandboxState state, KeapSandboxHooks hooks, TimeProvider time, string id)
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

                var added = applied.TryAdd(tagId, now);
                results[KeapSandboxState.Id(contactId)] = added ? "SUCCESS" : "DUPLICATE";
                if (added)
                {
                    hooks.RaiseContact(request, HookEventKeys.TagApplied, contactId, tagId);
                }
            }

            return Results.Json(new JsonObject { ["results"] = results }, SandboxResults.Json);
        }
    }

    internal static async Task<IResult> RemoveTagsAsync(HttpRequest request, KeapSandboxState state, KeapSandboxHooks hooks, string id)
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
                if (state.TagsByContact.TryGetValue(contactId, out var applied) && applied.Remove(tagId))
                {
                    hooks.RaiseContact(request, HookEventKeys.TagRemoved, contactId, tagId);
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


    /// <summary>
    /// Reads a tag <c>filter</c>: <c>;</c>-separated <c>field==value</c> clauses, of which the sandbox implements
    /// <c>name</c> (case-insensitive); any other field the spec lists is refused by name, never ignored.
    /// </summary>
    internal static bool TryNameFilter(string? filter, out string? name, [NotNullWhen(false)] out string? error)
    {
        name = null;
        error = null;
        foreach (var clause in (filter ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var at = clause.IndexOf("==", StringComparison.Ordinal);
            var field = at < 0 ? clause : clause[..at];
            if (at <= 0 || clause.Length == at + 2)
            {
                error = $"Unsupported filter clause '{clause}'; use name==value";
                return false;
            }

            if (field != "name")
            {
                error = $"Filter field '{field}' is not implemented by the Keap sandbox; it filters tags by name only";
                return false;
            }

            name = clause[(at + 2)..];
        }

        return true;
    }

    private static bool SameName(JsonObject tag, string name) =>
        string.Equals((string?)tag["name"], name, StringComparison.OrdinalIgnoreCase);
}
