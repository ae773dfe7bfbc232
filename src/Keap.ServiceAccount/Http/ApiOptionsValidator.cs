using Microsoft.Extensions.Options;

namespace Keap.ServiceAccount.Http;

/// <summary>Validates the API settings at start-up; each message names the setting as it appears in configuration.</summary>
internal sealed class ApiOptionsValidator : IValidateOptions<KeapServiceAccountOptions>
{
    private const string Section = KeapServiceAccountOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, KeapServiceAccountOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var api = options.ApiBaseAddress;
        if (api is null || !api.IsAbsoluteUri || (api.Scheme != Uri.UriSchemeHttps && api.Scheme != Uri.UriSchemeHttp) || !api.AbsolutePath.EndsWith('/'))
        {
            failures.Add($"{Section}:{nameof(options.ApiBaseAddress)} must be an absolute http(s) URI ending with '/' (got '{api}').");
        }

        RequirePositive(failures, nameof(options.ApiAttemptTimeout), options.ApiAttemptTimeout);
        RequirePositive(failures, nameof(options.ApiTotalTimeout), options.ApiTotalTimeout);
        RequirePositive(failures, nameof(options.ApiRetryBaseDelay), options.ApiRetryBaseDelay);
        if (options.ApiAttemptTimeout > options.ApiTotalTimeout)
        {
            failures.Add($"{Section}:{nameof(options.ApiAttemptTimeout)} must not exceed {Section}:{nameof(options.ApiTotalTimeout)}.");
        }

        if (options.ApiMaxRetryAttempts is < 0 or > 10)
        {
            failures.Add($"{Section}:{nameof(options.ApiMaxRetryAttempts)} must be between 0 and 10.");
        }

        if (options.TagBatchSize is < 1 or > 1000)
        {
            failures.Add($"{Section}:{nameof(options.TagBatchSize)} must be between 1 and 1000.");
        }

        var rate = options.RateLimit;
        if (rate.RequestsPerSecond is { } perSecond && !(perSecond > 0 && double.IsFinite(perSecond)))
        {
            failures.Add($"{Section}:RateLimit:{nameof(rate.RequestsPerSecond)} must be positive.");
        }

        if (rate.RequestsPerMinute is < 1 || rate.AccountRequestsPerMinute < 1)
        {
            failures.Add($"{Section}:RateLimit:{nameof(rate.RequestsPerMinute)} and {nameof(rate.AccountRequestsPerMinute)} must be at least 1.");
        }

        if (!(rate.InstanceShare is > 0 and <= 1))
        {
            failures.Add($"{Section}:RateLimit:{nameof(rate.InstanceShare)} must be greater than 0 and at most 1 (got {rate.InstanceShare}).");
        }

        if (rate.QueueLimit < 0)
        {
            failures.Add($"{Section}:RateLimit:{nameof(rate.QueueLimit)} must not be negative.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void RequirePositive(List<string> failures, string option, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"{Section}:{option} must be positive.");
        }
    }
}
