namespace Keap.ServiceAccount.Tokens.Internal;

/// <summary>What a refresh did.</summary>
internal enum RefreshKind
{
    /// <summary>This process called Keap and stored a new token.</summary>
    Refreshed,

    /// <summary>This process called Keap; the new token is served from memory until the store accepts it.</summary>
    KeptInMemory,

    /// <summary>No call was needed: the stored token (possibly rotated by another process) is current.</summary>
    Adopted,

    /// <summary>No usable new token; <see cref="RefreshOutcome.Error"/> says why.</summary>
    Failed,
}

/// <summary>The result of one shared refresh, seen by every caller that joined it.</summary>
internal sealed record RefreshOutcome(RefreshKind Kind, StoredToken? Token, KeapConnectionState State, string? Error)
{
    public static RefreshOutcome Failed(KeapConnectionState state, string error) =>
        new(RefreshKind.Failed, null, state, error);
}
