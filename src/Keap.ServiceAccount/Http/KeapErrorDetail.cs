namespace Keap.ServiceAccount;

/// <summary>One entry of the <c>details</c> of a Keap v2 error body.</summary>
public sealed class KeapErrorDetail
{
    /// <summary>The domain Keap names, if any.</summary>
    public string? Domain { get; init; }

    /// <summary>The resource Keap names, if any.</summary>
    public string? Resource { get; init; }
}
