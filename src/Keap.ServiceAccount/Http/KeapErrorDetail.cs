namespace Keap.ServiceAccount;

/// <summary>One entry of the <c>details</c> of a Keap v2 error body.</summary>
/// <param name="Domain">The domain Keap names.</param>
/// <param name="Resource">The resource Keap names.</param>
public sealed record KeapErrorDetail(string? Domain, string? Resource);
