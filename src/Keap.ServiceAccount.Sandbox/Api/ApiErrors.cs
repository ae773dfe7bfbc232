namespace Keap.ServiceAccount.Sandbox.Api;

/// <summary>Keap's error answers the API routes share.</summary>
internal static class ApiErrors
{
    internal static IResult BadRequest(string message) =>
        SandboxResults.KeapError(StatusCodes.Status400BadRequest, "INVALID_ARGUMENT", message);

    internal static IResult ContactNotFound(string id) =>
        SandboxResults.KeapError(StatusCodes.Status404NotFound, "NOT_FOUND", $"Contact {id} not found", "contact");

    internal static IResult EmailNotFound(string email) =>
        SandboxResults.KeapError(StatusCodes.Status404NotFound, "NOT_FOUND", $"Email address {email} not found", "emailAddress");

    internal static IResult TagNotFound(string id) =>
        SandboxResults.KeapError(StatusCodes.Status404NotFound, "NOT_FOUND", $"Tag {id} not found", "tag");
}
