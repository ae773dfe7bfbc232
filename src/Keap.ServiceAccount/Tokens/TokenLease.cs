using System.Globalization;

namespace Keap.ServiceAccount;

/// <summary>An exclusive, expiring right to spend the refresh token, granted by <see cref="ITokenStore.TryAcquireLeaseAsync"/>.</summary>
public sealed class TokenLease
{
    /// <summary>Creates a lease.</summary>
    /// <param name="owner">Who holds the lease.</param>
    /// <param name="leaseId">Identifies this grant, so a release never frees a lease granted to someone else later.</param>
    /// <param name="expiresAt">When the lease lapses unless released first (UTC).</param>
    /// <exception cref="ArgumentNullException"><paramref name="owner"/> or <paramref name="leaseId"/> is <see langword="null"/>.</exception>
    public TokenLease(string owner, string leaseId, DateTimeOffset expiresAt)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(leaseId);
        Owner = owner;
        LeaseId = leaseId;
        ExpiresAt = expiresAt;
    }

    /// <summary>Who holds the lease.</summary>
    public string Owner { get; init; }

    /// <summary>Identifies this grant, so a release never frees a lease granted to someone else later.</summary>
    public string LeaseId { get; init; }

    /// <summary>When the lease lapses unless released first (UTC).</summary>
    public DateTimeOffset ExpiresAt { get; init; }

    /// <summary>Describes the lease.</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"TokenLease {{ Owner = {Owner}, LeaseId = {LeaseId}, ExpiresAt = {ExpiresAt} }}");
}
