using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using static Keap.ServiceAccount.Sandbox.Api.ApiErrors;

namespace Keap.ServiceAccount.Sandbox.Api;

/// <summary>Reads request bodies: a JSON object, the <c>contact_ids</c> of applyTags and removeTags.</summary>
internal static class ApiRequests
{
    internal const int MaxContactIdsPerCall = 1000;

    internal static async Task<JsonObject?> ReadObjectAsync(HttpRequest request)
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

    internal static async Task<(IReadOnlyList<long> Ids, IResult? Error)> ReadContactIdsAsync(HttpRequest request)
    {
        if (await ReadObjectAsync(request).ConfigureAwait(false) is not { } body || body["contact_ids"] is not JsonArray array || array.Count == 0)
        {
            return ([], BadRequest("contact_ids must be a non-empty array"));
        }

        if (RequestSchemas.Check("ApplyRemoveTagRequest", body) is { } refused)
        {
            return ([], BadRequest(refused));
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
}
