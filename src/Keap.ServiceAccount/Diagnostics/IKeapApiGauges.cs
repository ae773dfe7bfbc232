namespace Keap.ServiceAccount.Diagnostics;

/// <summary>
/// What the API metrics observe, read on each collection: the latest quota figures and the client-side rate limiter's
/// state. The HTTP pipeline provides it, so these metrics name nothing of the pipeline.
/// </summary>
internal interface IKeapApiGauges
{
    /// <summary>Requests left in Keap's quota window, from the latest response; <see langword="null"/> before one said.</summary>
    long? QuotaAvailable { get; }

    /// <summary>Requests left in Keap's throttle window, from the latest response.</summary>
    long? ThrottleAvailable { get; }

    /// <summary>Requests left in the Keap account's tenant throttle window (all apps together), from the latest response.</summary>
    long? TenantThrottleAvailable { get; }

    /// <summary>Keap's spike arrest rate in requests per second, from <c>x-keap-product-spike-limit</c>.</summary>
    double? SpikeLimitPerSecond { get; }

    /// <summary>The rate, in requests per second, that the client-side limiter lets requests start at.</summary>
    double CurrentRate { get; }

    /// <summary>Calls waiting for their turn under the client-side rate limit.</summary>
    long QueuedCount { get; }
}
