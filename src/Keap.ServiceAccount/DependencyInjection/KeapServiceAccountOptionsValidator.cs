using System.Globalization;
using Microsoft.Extensions.Options;
using static Keap.ServiceAccount.DependencyInjection.OptionMessage;

namespace Keap.ServiceAccount.DependencyInjection;

/// <summary>The single-value rules: the data annotations on <see cref="KeapServiceAccountOptions"/>, checked by generated code.</summary>
[OptionsValidator]
internal sealed partial class KeapServiceAccountOptionsAnnotations : IValidateOptions<KeapServiceAccountOptions>;

/// <summary>
/// The one validator registered for <see cref="KeapServiceAccountOptions"/>: the annotated single-value rules, then the
/// rules that relate settings to each other, reported together as one message with one line per invalid setting.
/// </summary>
internal sealed class KeapServiceAccountOptionsValidator : IValidateOptions<KeapServiceAccountOptions>
{
    private readonly KeapServiceAccountOptionsAnnotations _annotations = new();

    public ValidateOptionsResult Validate(string? name, KeapServiceAccountOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>(_annotations.Validate(name, options).Failures ?? []);
        AddRelationFailures(options, failures);
        return failures.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Invalid Keap settings ({failures.Count}):{Environment.NewLine}- " + string.Join(Environment.NewLine + "- ", failures));
    }

    private static void AddRelationFailures(KeapServiceAccountOptions options, List<string> failures)
    {
        // The key travels as a header, which carries only ASCII: anything else would pass start-up and then fail every
        // call as a transport error. Surrounding whitespace (a key file's line break) is dropped on the wire. The
        // message never quotes the key.
        if (options.UsesServiceAccountKey && options.ServiceAccountKey!.Trim().Any(c => c is < '!' or > '~'))
        {
            failures.Add($"{Name(nameof(options.ServiceAccountKey))} must be visible ASCII characters (it is sent as the X-Keap-API-Key header); check it for a pasted space, accent or invisible character.");
        }

        // OAuth needs the app's credentials and callback; a Service Account Key replaces all three.
        if (!options.UsesServiceAccountKey)
        {
            var unless = $", unless {Name(nameof(options.ServiceAccountKey))} is set.";
            if (string.IsNullOrWhiteSpace(options.ClientId))
            {
                failures.Add($"{Name(nameof(options.ClientId))} is required (the key of your Keap developer app){unless}");
            }

            if (string.IsNullOrWhiteSpace(options.ClientSecret))
            {
                failures.Add($"{Name(nameof(options.ClientSecret))} is required (the secret of your Keap developer app){unless}");
            }

            if (options.RedirectUri is not { IsAbsoluteUri: true } redirect || (redirect.Scheme != Uri.UriSchemeHttps && redirect.Scheme != Uri.UriSchemeHttp))
            {
                failures.Add($"{Name(nameof(options.RedirectUri))} is required: the absolute http(s) callback URI registered with your Keap app{unless}");
            }
        }

        Shorter(failures, nameof(options.HardRefreshWindow), options.HardRefreshWindow, nameof(options.SoftRefreshWindow), options.SoftRefreshWindow);
        // Reported only when the hard window is already shorter: one line per invalid setting.
        if (options.HardRefreshWindow < options.SoftRefreshWindow && options.HardRefreshWindow > options.SoftRefreshWindow / 2)
        {
            failures.Add($"{Name(nameof(options.HardRefreshWindow))} ({options.HardRefreshWindow}) must be at most half of {Name(nameof(options.SoftRefreshWindow))} ({options.SoftRefreshWindow}), so callers are not made to wait for most of the window.");
        }

        // The soft window shrinks for short lifetimes, but a planned refresh never comes sooner than the minimum interval.
        // Compared in hours, not by adding TimeSpans: two huge settings would overflow and hide every message.
        if (options.MinRefreshInterval.TotalHours + options.SoftRefreshWindow.TotalHours >= 24)
        {
            failures.Add($"{Name(nameof(options.MinRefreshInterval))} ({options.MinRefreshInterval}) plus {Name(nameof(options.SoftRefreshWindow))} ({options.SoftRefreshWindow}) must fit in Keap's 24-hour access token lifetime.");
        }

        // A refresh token once sent waits for its answer until the lease ends, less the time kept for the save: at least
        // TokenRequestTimeout must fit in that, or no refresh could ever be sent. In seconds: huge settings would overflow.
        var reserve = Tokens.Internal.RefreshPipelines.SaveReserve(options.RefreshLeaseDuration);
        if (options.TokenRequestTimeout.TotalSeconds + reserve.TotalSeconds > options.RefreshLeaseDuration.TotalSeconds)
        {
            failures.Add($"{Name(nameof(options.TokenRequestTimeout))} ({options.TokenRequestTimeout}) must be shorter than {Name(nameof(options.RefreshLeaseDuration))} ({options.RefreshLeaseDuration}) by at least {reserve}, the time kept after Keap's answer for storing the new token.");
        }

        Shorter(failures, nameof(options.RefreshTokenKeepAliveAge), options.RefreshTokenKeepAliveAge, nameof(options.RefreshTokenLifetime), options.RefreshTokenLifetime);
        if (options.ApiAttemptTimeout > options.ApiTotalTimeout)
        {
            failures.Add($"{Name(nameof(options.ApiAttemptTimeout))} ({options.ApiAttemptTimeout}) must not exceed {Name(nameof(options.ApiTotalTimeout))} ({options.ApiTotalTimeout}).");
        }

        AddRateLimitFailures(options.RateLimit, failures);
    }

    private static void AddRateLimitFailures(KeapRateLimitOptions rate, List<string> failures)
    {
        static string RateName(string member) => Name(nameof(KeapServiceAccountOptions.RateLimit) + ":" + member);

        if (rate.RequestsPerSecond is { } perSecond && !(perSecond > 0 && double.IsFinite(perSecond)))
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{RateName(nameof(rate.RequestsPerSecond))} must be positive (got '{perSecond}')."));
        }

        if (rate.RequestsPerMinute is < 1 and var perMinute)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{RateName(nameof(rate.RequestsPerMinute))} must be at least 1 (got '{perMinute}')."));
        }

        if (rate.AccountRequestsPerMinute < 1)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{RateName(nameof(rate.AccountRequestsPerMinute))} must be at least 1 (got '{rate.AccountRequestsPerMinute}')."));
        }

        if (!(rate.InstanceShare is > 0 and <= 1))
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{RateName(nameof(rate.InstanceShare))} must be greater than 0 and at most 1 (got '{rate.InstanceShare}')."));
        }

        if (rate.QueueLimit < 0)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{RateName(nameof(rate.QueueLimit))} must not be negative (got '{rate.QueueLimit}')."));
        }
    }

    private static void Shorter(List<string> failures, string shorter, TimeSpan shorterValue, string longer, TimeSpan longerValue)
    {
        if (shorterValue >= longerValue)
        {
            failures.Add($"{Name(shorter)} ({shorterValue}) must be shorter than {Name(longer)} ({longerValue}).");
        }
    }
}
