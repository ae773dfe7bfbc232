using System.Diagnostics.CodeAnalysis;
using System.Threading.RateLimiting;

namespace Keap.ServiceAccount.Http;

/// <summary>A granted lease (shared: there is nothing to release) or a refusal, with <c>Retry-After</c> when Keap asked for a pause.</summary>
internal sealed class KeapRateLease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
{
    public static readonly KeapRateLease Granted = new(true, null);

    public override bool IsAcquired => acquired;

    public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

    public override bool TryGetMetadata(string metadataName, [NotNullWhen(true)] out object? metadata)
    {
        metadata = retryAfter;
        return retryAfter is not null && metadataName == MetadataName.RetryAfter.Name;
    }
}
