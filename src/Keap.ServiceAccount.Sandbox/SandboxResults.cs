using System.Text.Json;
using System.Text.Json.Nodes;

namespace Keap.ServiceAccount.Sandbox;

/// <summary>Response shapes shared by the OAuth and API endpoints.</summary>
internal static class SandboxResults
{
    /// <summary>The <see cref="HttpContext.Items"/> key that makes the next list page repeat its page token.</summary>
    public const string RepeatPageTokenItem = "keap-sandbox-repeat-page-token";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Keap's v2 error body: <c>{code, message, status, details:[{domain, resource}]}</c>.</summary>
    public static IResult KeapError(int httpStatus, string status, string message, string? resource = null) =>
        Results.Json(
            new JsonObject
            {
                ["code"] = httpStatus,
                ["message"] = message,
                ["status"] = status,
                ["details"] = resource is null
                    ? new JsonArray()
                    : new JsonArray(new JsonObject { ["domain"] = "crm", ["resource"] = resource }),
            },
            Json,
            statusCode: httpStatus);

    public static IResult QuotaExceeded() =>
        Results.Json(
            new JsonObject { ["code"] = "429", ["message"] = "Quota Exceeded", ["status"] = "Request Throttled" },
            Json,
            statusCode: StatusCodes.Status429TooManyRequests);

    public static IResult OAuthError(int httpStatus, string error, string description) =>
        Results.Json(new JsonObject { ["error"] = error, ["error_description"] = description }, Json, statusCode: httpStatus);

    public static IResult InvalidGrant() =>
        OAuthError(StatusCodes.Status400BadRequest, "invalid_grant", "Invalid refresh token");

    /// <summary>Plays a queued fault, or returns <see langword="null"/> when none is queued for the route.</summary>
    public static async Task<IResult?> PlayFaultAsync(HttpContext context, KeapSandboxFaults faults, string route)
    {
        if (!faults.TryTake(route, out var fault))
        {
            return null;
        }

        switch (fault)
        {
            case KeapSandboxFault.InternalServerError:
                return KeapError(StatusCodes.Status500InternalServerError, "INTERNAL", "Internal Server Error");
            case KeapSandboxFault.ServiceUnavailable:
                return KeapError(StatusCodes.Status503ServiceUnavailable, "UNAVAILABLE", "Service Unavailable");
            case KeapSandboxFault.InvalidGrant:
                return InvalidGrant();
            case KeapSandboxFault.TooManyRequests:
                return QuotaExceeded();
            case KeapSandboxFault.RepeatPageToken:
                // Not a failure: the list answers normally but names its own page as the next one.
                context.Items[RepeatPageTokenItem] = true;
                return null;
            default:
                await HangAsync(context).ConfigureAwait(false);
                return Results.StatusCode(StatusCodes.Status504GatewayTimeout);
        }
    }

    private static async Task HangAsync(HttpContext context)
    {
        // Hang until the client aborts or the host stops; only cancellation ends an infinite wait,
        // so the clock it runs on does not matter.
        var stopping = context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The client gave up: that is the point of the fault.
        }
    }
}
