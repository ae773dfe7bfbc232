using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using static Keap.ServiceAccount.Sandbox.Api.ApiErrors;

namespace Keap.ServiceAccount.Sandbox.Api;

/// <summary>Lists: <c>page_size</c>, <c>page_token</c>, <c>order_by</c> and <c>fields</c>, read and answered as Keap does.</summary>
internal static class ApiPaging
{
    internal const int MaxPageSize = 1000;

    internal const int DefaultPageSize = 50;

    internal static IResult Page(HttpContext context, string property, IEnumerable<JsonObject> items, string? pageSize, string? pageToken)
    {
        // The spec's minimum is 0, which (as elsewhere in Keap's v2 API) asks for the default page size.
        if (!TryPageSize(pageSize, out var size))
        {
            return BadRequest($"page_size '{pageSize}' must be a whole number from 0 (the default, {DefaultPageSize}) to {MaxPageSize}");
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

    internal static bool TryPageSize(string? text, out int size)
    {
        size = DefaultPageSize;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value > MaxPageSize)
        {
            return false;
        }

        size = value == 0 ? DefaultPageSize : value;
        return true;
    }

    internal static string PageToken(int offset) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes("offset:" + offset.ToString(CultureInfo.InvariantCulture)));

    internal static bool TryOrder(string? orderBy, string[] fields, out string? field, out bool descending)
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

    /// <summary>Keap's 400 for an <c>order_by</c> that <see cref="TryOrder"/> refused, naming the value.</summary>
    internal static IResult BadOrder(string? orderBy, string[] fields) =>
        BadRequest($"order_by '{orderBy}' is not supported: use one of {string.Join(", ", fields)}, optionally followed by asc or desc");

    internal static HashSet<string>? Fields(string? fields) =>
        string.IsNullOrWhiteSpace(fields) ? null : new(fields.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), StringComparer.Ordinal);

    internal static bool TryReadPageToken(string token, out int offset)
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
}
