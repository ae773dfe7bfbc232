using System.Text.Json;
using System.Text.Json.Nodes;
using static Keap.ServiceAccount.Sandbox.Api.ApiErrors;
using static Keap.ServiceAccount.Sandbox.Api.ApiPaging;
using static Keap.ServiceAccount.Sandbox.Api.ApiRequests;

namespace Keap.ServiceAccount.Sandbox.Api;

/// <summary>The v2 contact routes: create (and upsert), list, get, update, delete, the contact model and email opt-in statuses.</summary>
internal static class ContactEndpoints
{
    internal static async Task<IResult> CreateContactAsync(HttpRequest request, KeapSandboxState state, KeapSandboxHooks hooks, TimeProvider time, string? duplicate_option, string? fields)
    {
        if (await ReadObjectAsync(request).ConfigureAwait(false) is not { } input)
        {
            return BadRequest("The request body must be a JSON object");
        }

        if (RequestSchemas.Check("CreateUpdateContactRequest", input) is { } refused)
        {
            return BadRequest(refused);
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
                    hooks.RaiseContact(request, HookEventKeys.ContactEdit, long.Parse((string)existing["id"]!, System.Globalization.CultureInfo.InvariantCulture));
                    return Results.Json(SandboxContacts.View(state, existing, Fields(fields)), SandboxResults.Json);
                }
            }

            var id = state.NextId();
            var contact = new JsonObject { ["id"] = KeapSandboxState.Id(id), ["create_time"] = SandboxContacts.Format(now) };
            SandboxContacts.Write(state, contact, input, null, now);
            state.ContactRecords[id] = contact;
            hooks.RaiseContact(request, HookEventKeys.ContactAdd, id);
            return Results.Json(SandboxContacts.View(state, contact, Fields(fields)), SandboxResults.Json, statusCode: StatusCodes.Status201Created);
        }
    }

    internal static IResult ListContacts(HttpContext context, KeapSandboxState state, string? filter, string? order_by, string? page_size, string? page_token, string? fields)
    {
        if (!ContactFilter.TryParse(filter, out var matches, out var error))
        {
            return BadRequest(error);
        }

        string[] orders = ["id", "create_time", "email", "update_time"];
        if (!TryOrder(order_by, orders, out var order, out var descending))
        {
            return BadOrder(order_by, orders);
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

    internal static IResult GetContact(KeapSandboxState state, string id, string? fields)
    {
        lock (state.Gate)
        {
            return FindContact(state, id) is { } contact
                ? Results.Json(SandboxContacts.View(state, contact, Fields(fields)), SandboxResults.Json)
                : ContactNotFound(id);
        }
    }

    internal static IResult ContactModel(KeapSandboxState state)
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

    internal static async Task<IResult> PatchContactAsync(HttpRequest request, KeapSandboxState state, KeapSandboxHooks hooks, TimeProvider time, string id, string? fields)
    {
        if (await ReadObjectAsync(request).ConfigureAwait(false) is not { } input)
        {
            return BadRequest("The request body must be a JSON object");
        }

        if (RequestSchemas.Check("CreateUpdateContactRequest", input) is { } refused)
        {
            return BadRequest(refused);
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
            hooks.RaiseContact(request, HookEventKeys.ContactEdit, long.Parse(id, System.Globalization.CultureInfo.InvariantCulture));
            return Results.Json(SandboxContacts.View(state, contact, Fields(fields)), SandboxResults.Json);
        }
    }

    internal static IResult DeleteContact(HttpRequest request, KeapSandboxState state, KeapSandboxHooks hooks, string id)
    {
        lock (state.Gate)
        {
            if (!long.TryParse(id, out var key) || !state.ContactRecords.Remove(key))
            {
                return ContactNotFound(id);
            }

            state.TagsByContact.Remove(key);
            hooks.RaiseContact(request, HookEventKeys.ContactDelete, key);
            return Results.NoContent();
        }
    }

    internal static IResult EmailStatus(KeapSandboxState state, string email)
    {
        lock (state.Gate)
        {
            return state.EmailStatuses.TryGetValue(email, out var status)
                ? Results.Json(SandboxContacts.StatusView(email, status), SandboxResults.Json)
                : EmailNotFound(email);
        }
    }

    internal static async Task<IResult> ChangeEmailStatusAsync(HttpRequest request, KeapSandboxState state, string email)
    {
        if (await ReadObjectAsync(request).ConfigureAwait(false) is not { } input
            || input["opted_in"]?.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False)
            || string.IsNullOrWhiteSpace((string?)input["reason"]))
        {
            return BadRequest("opted_in and reason are required");
        }

        if (RequestSchemas.Check("UpdateEmailAddress", input) is { } refused)
        {
            return BadRequest(refused);
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

    internal static JsonObject? FindContact(KeapSandboxState state, string id) =>
        long.TryParse(id, out var key) ? state.ContactRecords.GetValueOrDefault(key) : null;

    internal static IEnumerable<string> Emails(JsonObject contact) =>
        (contact["email_addresses"] as JsonArray ?? []).Select(e => e?["email"]?.ToString()).OfType<string>();

    internal static string? FirstEmail(JsonObject contact) => Emails(contact).FirstOrDefault();

    internal static bool SameText(JsonObject a, JsonObject b, string field) =>
        string.Equals(a[field]?.ToString() ?? "", b[field]?.ToString() ?? "", StringComparison.OrdinalIgnoreCase);
}
