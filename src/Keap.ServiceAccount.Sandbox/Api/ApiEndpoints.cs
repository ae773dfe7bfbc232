using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Keap.ServiceAccount.Sandbox.OAuth;
using Microsoft.Extensions.Options;

namespace Keap.ServiceAccount.Sandbox.Api;

/// <summary>The v2 contacts and tags endpoints, served under both <c>/crm/rest/v2</c> and <c>/rest/v2</c>.</summary>
internal static class ApiEndpoints
{
    private const int MaxPageSize = 1000;
    private const int DefaultPageSize = 50;
    private const int MaxContactIdsPerCall = 1000;
    private const string RoutePrefix = "rest/v2/";

    public static void Map(IEndpointRouteBuilder routes)
    {
        foreach (var basePath in new[] { "/crm/rest/v2", "/rest/v2" })
        {
            var api = routes.MapGroup(basePath).AddEndpointFilter(GuardAsync).DisableAntiforgery();
            api.MapPost("/contacts", CreateContactAsync);
            api.MapGet("/contacts", ListContacts);
            api.MapGet("/contacts/model", ContactModel);
            api.MapGet("/contacts/{id}", GetContact);
            api.MapPatch("/contacts/{id}", PatchContactAsync);
            api.MapDelete("/contacts/{id}", DeleteContact);
            api.MapGet("/contacts/{id}/tags", ContactTags);
            api.MapGet("/tags", ListTags);
            api.MapPost("/tags", CreateTagAsync);
            api.MapGet("/tags/{id}", GetTag);
            api.MapDelete("/tags/{id}", DeleteTag);
            api.MapPost("/tags/{id}/contacts:applyTags", ApplyTagsAsync);
            api.MapPost("/tags/{id}/contacts:removeTags", RemoveTagsAsync);
            api.MapGet("/emailAddresses/{email}/status", EmailStatus);
            api.MapPatch("/emailAddresses/{email}/status", ChangeEmailStatusAsync);
        }
    }

    /// <summary>Counts the request, checks the credential, spends quota and plays queued faults, in Keap's order.</summary>
    private static async ValueTask<object?> GuardAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        var services = context.RequestServices;
        var state = services.GetRequiredService<KeapSandboxState>();
        var route = RouteKey(context);
        state.CountApiRequest(route);

        if (!IsAuthenticated(context.Request, services))
        {
            return SandboxResults.KeapError(StatusCodes.Status401Unauthorized, "UNAUTHENTICATED", "Invalid or expired access token");
        }

        if (!services.GetRequiredService<SandboxQuota>().TryAcquire(context.Response))
        {
            return SandboxResults.QuotaExceeded();
        }

        return await SandboxResults.PlayFaultAsync(context, services.GetRequiredService<KeapSandboxFaults>(), route).ConfigureAwait(false)
            ?? await next(invocation).ConfigureAwait(false);
    }

    internal static string RouteKey(HttpContext context) =>
        RouteKey(context.Request.Method, (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? context.Request.Path.Value ?? "");

    /// <summary>The keys of the API routes among <paramref name="endpoints"/>, for checking fault injections.</summary>
    internal static IEnumerable<string> RouteKeys(IEnumerable<Endpoint> endpoints) =>
        from endpoint in endpoints.OfType<RouteEndpoint>()
        let pattern = endpoint.RoutePattern.RawText ?? ""
        where pattern.Contains(RoutePrefix, StringComparison.Ordinal)
        from method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []
        select RouteKey(method, pattern);

    private static string RouteKey(string method, string pattern)
    {
        var at = pattern.IndexOf(RoutePrefix, StringComparison.Ordinal);
        return $"{method} {(at < 0 ? pattern : pattern[at..])}";
    }

    private static bool IsAuthenticated(HttpRequest request, IServiceProvider services)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return services.GetRequiredService<SandboxTokens>().IsValidAccessToken(authorization[7..].Trim());
        }

        var key = request.Headers["X-Keap-API-Key"].ToString();
        return key.Length > 0
            && services.GetRequiredService<IOptions<KeapSandboxOptions>>().Value.ServiceAccountKeys.Contains(key, StringComparer.Ordinal);
    }

    private static async Task<IResult> CreateContactAsync(HttpRequest request, KeapSandboxState state, TimeProvider time, string? duplicate_option, string? fields)
    {
        if (await ReadObjectAsync(request).ConfigureAwait(false) is not { } input)
        {
            return BadRequest("The request body must be a JSON object");
        }

        // The spec's options: Email, EmailAndName, EmailAndNameAndCompany (company compared by id).
        var matchCompany = string.Equals(duplicate_option, "EmailAndNameAndCompany", StringComparison.OrdinalIgnoreCase);
        var matchName = matchCompany || string.Equals(duplicate_option, "EmailAndName", StringComparison.OrdinalIgnoreCase);
        if (duplicate_option is not null && !matchName && !string.Equals(duplicate_option, "Email", StringComparison.OrdinalIgnoreCase))
        {
            return BadRequest("duplicate_option must be Email, EmailAndName or EmailAndNameAndCompany");
        }

        var now = time.GetUtcNow();
        lock (state.Gate)
        {
            if (SandboxContacts.Validate(state, input, creating: true) is { } invalid)
            {
                return BadRequest(invalid);
            }

            if (duplicate_option is not null && FirstEmail(input) is { } email)
            {
                var existing = state.ContactRecords.Values.FirstOrDefault(c =>
                    Emails(c).Contains(email, StringComparer.OrdinalIgnoreCase)
                    && (!matchName || (SameText(c, input, "given_name") && SameText(c, input, "family_name")))
                    && (!matchCompany || string.Equals(c["company"]?["id"]?.ToString(), input["company"]?["id"]?.ToString(), StringComparison.Ordinal)));
                if (existing is not null)
                {
                    SandboxContacts.Write(state, existing, input, null, now);
                    return Results.Json(SandboxContacts.View(state, existing, Fields(fields)), SandboxResults.Json);
                }
            }

            var id = state.NextId();
            var contact = new JsonObject { ["id"] = KeapSandboxState.Id(id), ["create_time"] = SandboxContacts.Format(now) };
            SandboxContacts.Write(state, contact, input, null, now);
            state.ContactRecords[id] = contact;
            return Results.Json(SandboxContacts.View(state, contact, Fields(fields)), SandboxResults.Json, statusCode: StatusCodes.Status201Created);
        }
    }

    private static IResult ListContacts(HttpContext context, KeapSandboxState state, string? filter, string? order_by, int? page_size, string? page_token, string? fields)
    {
        if (!ContactFilter.TryParse(filter, out var matches, out var error))
        {
            return BadRequest(error);
        }

        if (!TryOrder(order_by, ["id", "create_time", "email", "update_time"], out var order, out var descending))
        {
            return BadRequest("order_by must be one of id, create_time, email, update_time, optionally followed by asc or desc");
        }

        lock (state.Gate)
        {
            var contacts = state.ContactRecords.Values.Where(matches);
            if (order is not null && order != "id")
            {
                Func<JsonObject, string> key = order == "email" ? c => FirstEmail(c) ?? "" : c => (string?)c[order] ?? "";
                contacts = descending ? contacts.OrderByDescending(key, StringComparer.Ordinal) : contacts.OrderBy(key, StringComparer.Ordinal);
            }
            else if (descending)
            {
                contacts = contacts.Reverse();
            }

            var shown = Fields(fields);
            return Page(context, "contacts", contacts.Select(c => SandboxContacts.View(state, c, shown)), page_size, page_token);
        }
    }

    private static IResult GetContact(KeapSandboxState state, string id, string? fields)
    {
        lock (state.Gate)
        {
            return FindContact(state, id) is { } contact
                ? Results.Json(SandboxContacts.View(state, contact, Fields(fields)), SandboxResults.Json)
                : ContactNotFound(id);
        }
    }

    private static IResult ContactModel(KeapSandboxState state)
    {
        lock (state.Gate)
        {
            return Results.Json(
                new JsonObject
                {
                    ["custom_fields"] = new JsonArray([.. state.CustomFieldRecords.Select(f => f.DeepClone())]),
                    ["optional_properties"] = new JsonArray("notes", "links"),
                },
                SandboxResults.Json);
        }
    }

    private static async Task<IResult> PatchContactAsync(HttpRequest request, KeapSandboxState state, TimeProvider time, string id, string? fields)
    {
        if (await ReadObjectAsync(request).ConfigureAwait(false) is not { } input)
        {
            return BadRequest("The request body must be a JSON object");
        }

        // update_mask is a query array (update_mask=a&update_mask=b); each value must be one of the spec's names.
        var mask = request.Query["update_mask"];
        if (mask.FirstOrDefault(m => m is null || !SandboxContacts.UpdateMaskNames.Contains(m)) is { } invalidName)
        {
            return BadRequest($"Invalid update_mask value '{invalidName}': repeat update_mask once per property name");
        }

        lock (state.Gate)
        {
            if (FindContact(state, id) is not { } contact)
            {
                return ContactNotFound(id);
            }

            if (SandboxContacts.Validate(state, input, creating: false) is { } invalid)
            {
                return BadRequest(invalid);
            }

            SandboxContacts.Write(state, contact, input, mask.Count == 0 ? null : [.. mask.OfType<string>()], time.GetUtcNow());
            return Results.Json(SandboxContacts.View(state, contact, Fields(fields)), SandboxResults.Json);
        }
    }

    private static IResult EmailStatus(KeapSandboxState state, string email)
    {
        lock (state.Gate)
        {
            return state.EmailStatuses.TryGetValue(email, out var status)
                ? Results.Json(SandboxContacts.StatusView(email, status), SandboxResults.Json)
                : EmailNotFound(email);
        }
    }

    private static async Task<IResult> ChangeEmailStatusAsync(HttpRequest request, KeapSandboxState state, string email)
    {
        if (await ReadObjectAsync(request).ConfigureAwait(false) is not { } input
            || input["opted_in"]?.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False)
            || string.IsNullOrWhiteSpace((string?)input["reason"]))
        {
            return BadRequest("opted_in and reason are required");
        }

        lock (state.Gate)
        {
            if (!state.EmailStatuses.TryGetValue(email, out var status))
            {
                return EmailNotFound(email);
            }

            status = SandboxContacts.ChangeOptIn(status, (bool)input["opted_in"]!);
            state.EmailStatuses[email] = status;
            return Results.Json(SandboxContacts.StatusView(email, status), SandboxResults.Json);
        }
    }

    private static IResult DeleteContact(KeapSandboxState state, string id)
    {
        lock (state.Gate)
        {
            if (!long.TryParse(id, out var key) || !state.ContactRecords.Remove(key))
            {
                return ContactNotFound(id);
            }

            state.TagsByContact.Remove(key);
            return Results.NoContent();
        }
    }

    private static IResult ContactTags(HttpContext context, KeapSandboxState state, string id, int? page_size, string? page_token)
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

    private static IResult ListTags(HttpContext context, KeapSandboxState state, string? filter, string? order_by, int? page_size, string? page_token)
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

    private static async Task<IResult> CreateTagAsync(HttpRequest request, KeapSandboxState state, TimeProvider time)
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

    private static IResult GetTag(KeapSandboxState state, string id) => Get(state, id, FindTag, TagNotFound);

    private static IResult DeleteTag(KeapSandboxState state, string id)
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

    private static IResult Get(
        KeapSandboxState state, string id, Func<KeapSandboxState, string, JsonObject?> find, Func<string, IResult> notFound)
    {
        lock (state.Gate)
        {
            return find(state, id) is { } record ? Results.Json(record.DeepClone(), SandboxResults.Json) : notFound(id);
        }
    }

    private static async Task<IResult> ApplyTagsAsync(HttpRequest request, KeapSandboxState state, TimeProvider time, string id)
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

    private static async Task<IResult> RemoveTagsAsync(HttpRequest request, KeapSandboxState state, string id)
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
    private static IResult Insert(KeapSandboxState state, SortedDictionary<long, JsonObject> records, JsonObject input, string now)
    {
        var id = state.NextId();
        input["id"] = KeapSandboxState.Id(id);
        input["create_time"] = now;
        input["update_time"] = now;
        records[id] = input;
        return Results.Json(input.DeepClone(), SandboxResults.Json, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<(IReadOnlyList<long> Ids, IResult? Error)> ReadContactIdsAsync(HttpRequest request)
    {
        if (await ReadObjectAsync(request).ConfigureAwait(false) is not { } body || body["contact_ids"] is not JsonArray array || array.Count == 0)
        {
            return ([], BadRequest("contact_ids must be a non-empty array"));
        }

        if (array.Count > MaxContactIdsPerCall)
        {
            return ([], BadRequest($"contact_ids accepts at most {MaxContactIdsPerCall} ids"));
        }

        var ids = new List<long>(array.Count);
        foreach (var item in array)
        {
            // IDs are strings in v2 but numbers in Keap's own examples: accept both.
            if (item?.ToString() is not { } text || !long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                return ([], BadRequest("contact_ids must hold contact ids"));
            }

            ids.Add(id);
        }

        return (ids.Distinct().ToList(), null);
    }

    private static IResult Page(HttpContext context, string property, IEnumerable<JsonObject> items, int? pageSize, string? pageToken)
    {
        var size = pageSize ?? DefaultPageSize;
        if (size is < 1 or > MaxPageSize)
        {
            return BadRequest($"page_size must be between 1 and {MaxPageSize}");
        }

        var offset = 0;
        if (!string.IsNullOrEmpty(pageToken) && !TryReadPageToken(pageToken, out offset))
        {
            return BadRequest("Invalid page_token");
        }

        var page = items.Skip(offset).Take(size + 1).ToList();
        var body = new JsonObject { [property] = new JsonArray([.. page.Take(size)]) };
        if (context.Items.ContainsKey(SandboxResults.RepeatPageTokenItem))
        {
            // The injected fault: hand back the token of the page just served, as a looping server would.
            body["next_page_token"] = string.IsNullOrEmpty(pageToken) ? PageToken(offset) : pageToken;
        }
        else if (page.Count > size)
        {
            body["next_page_token"] = PageToken(offset + size);
        }

        return Results.Json(body, SandboxResults.Json);
    }

    private static string PageToken(int offset) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes("offset:" + offset.ToString(CultureInfo.InvariantCulture)));

    private static bool TryOrder(string? orderBy, string[] fields, out string? field, out bool descending)
    {
        field = null;
        descending = false;
        if (string.IsNullOrWhiteSpace(orderBy))
        {
            return true;
        }

        var parts = orderBy.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries);
        field = parts[0];
        descending = parts.Length > 1 && string.Equals(parts[1], "desc", StringComparison.OrdinalIgnoreCase);
        return fields.Contains(field, StringComparer.Ordinal)
            && (parts.Length == 1 || (parts.Length == 2 && parts[1].ToLowerInvariant() is "asc" or "desc"));
    }

    private static HashSet<string>? Fields(string? fields) =>
        string.IsNullOrWhiteSpace(fields) ? null : new(fields.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), StringComparer.Ordinal);

    private static bool TryReadPageToken(string token, out int offset)
    {
        offset = 0;
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            return text.StartsWith("offset:", StringComparison.Ordinal)
                && int.TryParse(text.AsSpan(7), NumberStyles.None, CultureInfo.InvariantCulture, out offset);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static bool TryParseFilter(string filter, string field, out string? value)
    {
        var prefix = field + "==";
        value = filter.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? filter[prefix.Length..] : null;
        return value is { Length: > 0 };
    }

    private static async Task<JsonObject?> ReadObjectAsync(HttpRequest request)
    {
        try
        {
            return await JsonNode.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted).ConfigureAwait(false) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void StripServerFields(JsonObject input)
    {
        input.Remove("id");
        input.Remove("create_time");
        input.Remove("update_time");
    }

    private static JsonObject? FindContact(KeapSandboxState state, string id) =>
        long.TryParse(id, out var key) ? state.ContactRecords.GetValueOrDefault(key) : null;

    private static JsonObject? FindTag(KeapSandboxState state, string id) =>
        long.TryParse(id, out var key) ? state.TagRecords.GetValueOrDefault(key) : null;

    private static IEnumerable<string> Emails(JsonObject contact) =>
        (contact["email_addresses"] as JsonArray ?? []).Select(e => e?["email"]?.ToString()).OfType<string>();

    private static string? FirstEmail(JsonObject contact) => Emails(contact).FirstOrDefault();

    private static bool SameText(JsonObject a, JsonObject b, string field) =>
        string.Equals(a[field]?.ToString() ?? "", b[field]?.ToString() ?? "", StringComparison.OrdinalIgnoreCase);

    private static IResult BadRequest(string message) =>
        SandboxResults.KeapError(StatusCodes.Status400BadRequest, "INVALID_ARGUMENT", message);

    private static IResult ContactNotFound(string id) =>
        SandboxResults.KeapError(StatusCodes.Status404NotFound, "NOT_FOUND", $"Contact {id} not found", "contact");

    private static IResult EmailNotFound(string email) =>
        SandboxResults.KeapError(StatusCodes.Status404NotFound, "NOT_FOUND", $"Email address {email} not found", "emailAddress");

    private static IResult TagNotFound(string id) =>
        SandboxResults.KeapError(StatusCodes.Status404NotFound, "NOT_FOUND", $"Tag {id} not found", "tag");
}
