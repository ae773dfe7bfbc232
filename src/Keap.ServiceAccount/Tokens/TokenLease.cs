namespace Keap.ServiceAccount;

/// <summary>An exclusive, expiring right to spend the refresh token, granted by <see cref="ITokenStore.TryAcquireLeaseAsync"/>.</summary>
/// <param name="Owner">Who holds the lease.</param>
/// <param name="LeaseId">Identifies this grant, so a release never frees a lease granted to someone else later.</param>
/// <param name="ExpiresAt">When the lease lapses unless released first.</param>
public sealed record TokenLease(string Owner, string LeaseId, DateTimeOffset ExpiresAt);
