namespace ButtonPush.Data;

/// <summary>
/// A signed-up user as stored in the <c>users</c> table; <see cref="MarketingConsentAt"/> is when they ticked "email me"
/// at sign-up (UTC), <see langword="null"/> without consent.
/// </summary>
internal sealed record AppUser(long Id, string Email, string Name, string PasswordHash, bool IsAdmin, string? KeapContactId, DateTimeOffset? MarketingConsentAt = null);

/// <summary>
/// A user as the admin panel lists them: what reached Keap and when, and what Keap's REST hooks told since (the
/// contact deleted, the tag removed, the email status as last read), all times UTC.
/// </summary>
internal sealed record UserOverview(
    long Id,
    string Email,
    string Name,
    bool MarketingConsent,
    long Presses,
    string? KeapContactId,
    DateTimeOffset? KeapSyncedAt,
    DateTimeOffset? KeapTaggedAt,
    DateTimeOffset? KeapContactDeletedAt = null,
    DateTimeOffset? KeapTagRemovedAt = null,
    string? KeapEmailStatus = null,
    DateTimeOffset? KeapEmailStatusAt = null);
