using Microsoft.Extensions.Options;

namespace Keap.ServiceAccount.Tokens;

/// <summary>Checks the token settings when the host starts; every message names the setting (<c>Keap:ClientId</c>...).</summary>
internal sealed class TokenOptionsValidator : IValidateOptions<KeapServiceAccountOptions>
{
    private const string Prefix = KeapServiceAccountOptions.SectionName + ":";

    public ValidateOptionsResult Validate(string? name, KeapServiceAccountOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (!options.UsesServiceAccountKey)
        {
            if (string.IsNullOrWhiteSpace(options.ClientId))
            {
                failures.Add($"{Prefix}{nameof(options.ClientId)} is required (the key of your Keap developer app), unless {Prefix}{nameof(options.ServiceAccountKey)} is set.");
            }

            if (string.IsNullOrWhiteSpace(options.ClientSecret))
            {
                failures.Add($"{Prefix}{nameof(options.ClientSecret)} is required (the secret of your Keap developer app), unless {Prefix}{nameof(options.ServiceAccountKey)} is set.");
            }

            if (options.RedirectUri is null || !options.RedirectUri.IsAbsoluteUri)
            {
                failures.Add($"{Prefix}{nameof(options.RedirectUri)} is required and must be an absolute URI registered with your Keap app.");
            }
        }

        RequireAbsolute(failures, options.AuthorizeEndpoint, nameof(options.AuthorizeEndpoint));
        RequireAbsolute(failures, options.TokenEndpoint, nameof(options.TokenEndpoint));
        RequirePositive(failures, options.SoftRefreshWindow, nameof(options.SoftRefreshWindow));
        RequirePositive(failures, options.HardRefreshWindow, nameof(options.HardRefreshWindow));
        RequirePositive(failures, options.RefreshTokenLifetime, nameof(options.RefreshTokenLifetime));
        RequirePositive(failures, options.RefreshTokenKeepAliveAge, nameof(options.RefreshTokenKeepAliveAge));
        RequirePositive(failures, options.RefreshLeaseDuration, nameof(options.RefreshLeaseDuration));
        RequirePositive(failures, options.TokenRequestTimeout, nameof(options.TokenRequestTimeout));
        RequirePositive(failures, options.AuthorizationStateLifetime, nameof(options.AuthorizationStateLifetime));
        RequirePositive(failures, options.MinRefreshInterval, nameof(options.MinRefreshInterval));
        RequirePositive(failures, options.StoreCheckInterval, nameof(options.StoreCheckInterval));
        RequirePositive(failures, options.ShutdownSaveBudget, nameof(options.ShutdownSaveBudget));

        if (options.HardRefreshWindow >= options.SoftRefreshWindow)
        {
            failures.Add($"{Prefix}{nameof(options.HardRefreshWindow)} ({options.HardRefreshWindow}) must be shorter than {Prefix}{nameof(options.SoftRefreshWindow)} ({options.SoftRefreshWindow}).");
        }

        // Keap's access tokens last 24 hours; a soft window that long would refresh on every call.
        if (options.SoftRefreshWindow >= TimeSpan.FromHours(24))
        {
            failures.Add($"{Prefix}{nameof(options.SoftRefreshWindow)} ({options.SoftRefreshWindow}) must be shorter than the 24-hour access token lifetime.");
        }

        // The soft window shrinks for short lifetimes, but never below the hard window plus the minimum interval.
        if (options.MinRefreshInterval + options.SoftRefreshWindow >= TimeSpan.FromHours(24))
        {
            failures.Add($"{Prefix}{nameof(options.MinRefreshInterval)} ({options.MinRefreshInterval}) plus {Prefix}{nameof(options.SoftRefreshWindow)} ({options.SoftRefreshWindow}) must fit in Keap's 24-hour access token lifetime.");
        }

        if (options.HardRefreshWindow * 2 > options.SoftRefreshWindow)
        {
            failures.Add($"{Prefix}{nameof(options.HardRefreshWindow)} ({options.HardRefreshWindow}) must be at most half of {Prefix}{nameof(options.SoftRefreshWindow)} ({options.SoftRefreshWindow}), so callers are not made to wait for most of the window.");
        }

        if (options.RefreshLeaseDuration <= options.TokenRequestTimeout)
        {
            failures.Add($"{Prefix}{nameof(options.RefreshLeaseDuration)} ({options.RefreshLeaseDuration}) must be longer than {Prefix}{nameof(options.TokenRequestTimeout)} ({options.TokenRequestTimeout}).");
        }

        if (options.RefreshTokenKeepAliveAge >= options.RefreshTokenLifetime)
        {
            failures.Add($"{Prefix}{nameof(options.RefreshTokenKeepAliveAge)} ({options.RefreshTokenKeepAliveAge}) must be shorter than {Prefix}{nameof(options.RefreshTokenLifetime)} ({options.RefreshTokenLifetime}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void RequirePositive(List<string> failures, TimeSpan value, string option)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"{Prefix}{option} must be positive.");
        }
    }

    private static void RequireAbsolute(List<string> failures, Uri? value, string option)
    {
        if (value is null || !value.IsAbsoluteUri)
        {
            failures.Add($"{Prefix}{option} must be an absolute URI.");
        }
    }
}
