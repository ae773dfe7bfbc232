namespace Keap.ServiceAccount;

/// <summary>What <see cref="IKeapContactsClient.UpsertByEmailAsync"/> did.</summary>
/// <param name="Contact">The stored contact.</param>
/// <param name="Created"><see langword="true"/> when Keap created it (201), <see langword="false"/> when it updated an existing one (200).</param>
public sealed record KeapContactUpsertResult(KeapContact Contact, bool Created);
