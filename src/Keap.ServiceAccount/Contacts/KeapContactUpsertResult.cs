namespace Keap.ServiceAccount;

/// <summary>What <see cref="IKeapContactsClient.UpsertByEmailAsync"/> did.</summary>
public sealed class KeapContactUpsertResult
{
    /// <summary>The stored contact.</summary>
    public required KeapContact Contact { get; init; }

    /// <summary><see langword="true"/> when Keap created it (201), <see langword="false"/> when it updated an existing one (200).</summary>
    public required bool Created { get; init; }
}
