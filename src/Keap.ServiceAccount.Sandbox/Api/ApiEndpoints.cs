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
            api.MapGet("/contacts/{id}", GetContact);
            api.MapPatch("/contacts/{id}", PatchContactAsync);
            api.MapDelete("/contacts/{id}", DeleteContact);
            api.MapGet("/contacts/{id}/tags", ContactTags);
            api.MapGet("/tags", ListTags);
            api.MapPost("/tags", CreateTagAsync);
            api.MapGet("/tags/{id}", GetTag);
            api.MapPost("/tags/{id}/contacts:applyTags", ApplyTagsAsync);
            api.MapPost("/tags/{id}/contacts:removeTags", RemoveTagsAsync);
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

    private static async Task<IResult> CreateContactAsync(HttpRequest request, KeapSandboxState state, TimeProvider time, string? duplicate_option)
    {
        if (await ReadObjectAsync(request).ConfigureAwait(false) is not { } input)
        {
            return BadRequest("The request body must be a JSON object");
        }

        StripServerFields(input);
        // The spec's options: Email, EmailAndName, EmailAndNameAndCompany (company compared by id).
        var matchCompany = string.Equals(duplicate_option, "EmailAndNameAndCompany", StringComparison.OrdinalIgnoreCase);
        var matchName = matchCompany || string.Equals(duplicate_option, "EmailAndName", StringComparison.OrdinalIgnoreCase);
        if (duplicate_option is not null && !matchName && !string.Equals(duplicate_option, "Email", StringComparison.OrdinalIgnoreCase))
        {
            return BadRequest("duplicate_option must be Email, EmailAndName or EmailAndNameAndCompany");
        }

        var now = Timestamp(time);
        lock (state.Gate)
        {
            if (duplicate_option is not null && FirstEmail(input) is { } email)
            {
                var existing = state.ContactRecords.Values.FirstOrDefault(c =>
                    Emails(c).Contains(email, StringComparer.OrdinalIgnoreCase)
                    && (!matchName || (SameText(c, input, "given_name") && SameText(c, input, "family_name")))
                    && (!matchCompany || string.Equals(c["company"]?["id"]?.ToString(), input["company"]?["id"]?.ToString(), StringComparison.Ordinal)));
                if (existing is not null)
                {
                    Merge(existing, input, now);
                    return Results.Json(existing.DeepClone(), SandboxResults.Json);
                }
            }

            return Insert(state, state.ContactRecords, input, now);
        }
    }

    private static IResult ListContacts(KeapSandboxState state, string? filter, int? page_size, string? page_token) =>
        List(state, s => s.ContactRecords.Values, "contacts", "email",
            (c, email) => Emails(c).Contains(email, StringComparer.OrdinalIgnoreCase), filter, page_size, page_token);

    private static IResult GetContact(KeapSandboxState state, string id) => Get(state, id, FindContact, ContactNotFound);

    private static async Task<IResult> PatchContactAsync(HttpRequest request, KeapSandboxState state, TimeProvider time, string id)
    {
        if (await ReadObjectAsync(request).ConfigureAwait(false) is not { } input)
        {
            return BadRequest("The request body must be a JSON object");
        }

        StripServerFields(input);
        lock (state.Gate)
        {
            if (FindContact(state, id) is not { } contact)
            {
                return ContactNotFound(id);
            }

            Merge(contact, input, Timestamp(time));
            return Results.Json(contact.DeepClone(), SandboxResults.Json);
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

    private static IResult ContactTags(KeapSandboxState state, string id, int? page_size, string? page_token)
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
                ["applied_time"] = Format(a.Value),
            });
            return Page("tags", items, page_size, page_token);
        }
    }

    private static IResult ListTags(KeapSandboxState state, string? filter, int? page_size, string? page_token) =>
        List(state, s => s.TagRecords.Values, "tags", "name",
            (t, name) => string.Equals((string?)t["name"], name, StringComparison.OrdinalIgnoreCase), filter, page_size, page_token);

    /// <summary>Lists records matching an optional <c>{field}==value</c> filter, one page at a time.</summary>
    private static IResult List(
        KeapSandboxState state, Func<KeapSandboxState, IEnumerable<JsonObject>> records, string property, string field,
        Func<JsonObject, string, bool> matches, string? filter, int? pageSize, string? pageToken)
    {
        string? value = null;
        if (filter is not null && !TryParseFilter(filter, field, out value))
        {
            return BadRequest($"Unsupported filter; use {field}==value");
        }

        lock (state.Gate)
        {
            return Page(property, records(state).Where(r => value is null || matches(r, value)), pageSize, pageToken);
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
        var now = Timestamp(time);
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

    private static IResult Page(string property, IEnumerable<JsonObject> items, int? pageSize, string? pageToken)
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
        var body = new JsonObject { [property] = new JsonArray([.. page.Take(size).Select(i => i.DeepClone())]) };
        if (page.Count > size)
        {
            body["next_page_token"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(
                "offset:" + (offset + size).ToString(CultureInfo.InvariantCulture)));
        }

        return Results.Json(body, SandboxResults.Json);
    }

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

    private static void Merge(JsonObject target, JsonObject changes, string now)
    {
        foreach (var (name, value) in changes.ToList())
        {
            target[name] = value?.DeepClone();
        }

        target["update_time"] = now;
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

    private static string Timestamp(TimeProvider time) => Format(time.GetUtcNow());

    private static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static IResult BadRequest(string message) =>
        SandboxResults.KeapError(StatusCodes.Status400BadRequest, "INVALID_ARGUMENT", message);

    private static IResult ContactNotFound(string id) =>
        SandboxResults.KeapError(StatusCodes.Status404NotFound, "NOT_FOUND", $"Contact {id} not found", "contact");

    private static IResult TagNotFound(string id) =>
        SandboxResults.KeapError(StatusCodes.Status404NotFound, "NOT_FOUND", $"Tag {id} not found", "tag");
}
