using System.Globalization;
using Microsoft.Extensions.Options;
using static Keap.ServiceAccount.Configuration.OptionMessage;

namespace Keap.ServiceAccount.Configuration;

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
        // Without a name, the generated code names each setting by its path from the options type, which the messages
        // turn into its configuration key (see OptionMessage); the package registers only the default name anyway.
        var failures = new List<string>(_annotations.Validate(null, options).Failures ?? []);
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

        AddRefreshFailures(options.Refresh, failures);
        AddApiFailures(options.Api, failures);
        AddRateLimitFailures(options.RateLimit, failures);
    }

    private static void AddRefreshFailures(KeapRefreshOptions refresh, List<string> failures)
    {
        static string RefreshName(string member) => Name(nameof(KeapServiceAccountOptions.Refresh), member);
        var soft = RefreshName(nameof(refresh.SoftWindow));
        var hard = RefreshName(nameof(refresh.HardWindow));

        Shorter(failures, hard, refresh.HardWindow, soft, refresh.SoftWindow);
        // Reported only when the hard window is already shorter: one line per invalid setting.
        if (refresh.HardWindow < refresh.SoftWindow && refresh.HardWindow > refresh.SoftWindow / 2)
        {
            failures.Add($"{hard} ({refresh.HardWindow}) must be at most half of {soft} ({refresh.SoftWindow}), so callers are not made to wait for most of the window.");
        }

        // The soft window shrinks for short lifetimes, but a planned refresh never comes sooner than the minimum interval.
        // Compared in hours, not by adding TimeSpans: two huge settings would overflow and hide every message.
        if (refresh.MinInterval.TotalHours + refresh.SoftWindow.TotalHours >= 24)
        {
            failures.Add($"{RefreshName(nameof(refresh.MinInterval))} ({refresh.MinInterval}) plus {soft} ({refresh.SoftWindow}) must fit in Keap's 24-hour access token lifetime.");
        }

        // A refresh token once sent waits for its answer until the lease ends, less the time kept for the save; and it is
        // sent only while TokenRequestTimeout still fits, after the store was read under the lease. With no room for that
        // read (TokenRequestTimeout plus the reserve equal to the lease), no refresh could ever be sent: as much again is
        // kept for it. In seconds: huge settings would overflow.
        var reserve = KeapRefreshOptions.SaveReserve(refresh.LeaseDuration);
        if (refresh.TokenRequestTimeout.TotalSeconds + (2 * reserve.TotalSeconds) > refresh.LeaseDuration.TotalSeconds)
        {
            failures.Add($"{RefreshName(nameof(refresh.TokenRequestTimeout))} ({refresh.TokenRequestTimeout}) must be shorter than {RefreshName(nameof(refresh.LeaseDuration))} ({refresh.LeaseDuration}) by at least {reserve}, the time kept after Keap's answer for storing the new token, plus {reserve} for reading the store before the refresh token is sent.");
        }

        Shorter(failures, RefreshName(nameof(refresh.RefreshTokenKeepAliveAge)), refresh.RefreshTokenKeepAliveAge, RefreshName(nameof(refresh.RefreshTokenLifetime)), refresh.RefreshTokenLifetime);
    }

    /// <summary>The relations Microsoft.Extensions.Http.Resilience checks between its strategies, for ours.</summary>
    private static void AddApiFailures(KeapApiOptions api, List<string> failures)
    {
        const string Api = nameof(KeapServiceAccountOptions.Api);
        var attempt = Name(Api, nameof(api.Timeouts), nameof(api.Timeouts.Attempt));
        var total = Name(Api, nameof(api.Timeouts), nameof(api.Timeouts.Total));
        var (attemptTimeout, totalTimeout) = (api.Timeouts.Attempt, api.Timeouts.Total);
        if (attemptTimeout > totalTimeout)
        {
            failures.Add($"{attempt} ({attemptTimeout}) must not exceed {total} ({totalTimeout}).");
        }

        // An attempt that times out is counted when it ends: with a window shorter than two attempts, slow failures are
        // counted in a window that holds few of them, and a hanging Keap may never open the circuit. In seconds: no overflow.
        var sampling = api.CircuitBreaker.SamplingDuration;
        if (sampling.TotalSeconds < 2 * attemptTimeout.TotalSeconds)
        {
            failures.Add($"{Name(Api, nameof(api.CircuitBreaker), nameof(api.CircuitBreaker.SamplingDuration))} ({sampling}) must be at least twice {attempt} ({attemptTimeout}), so that attempts which time out are counted by the circuit breaker.");
        }

        // The back-off before each retry doubles from the base delay (jitter aside): when the delays alone use up the
        // total timeout, the last retries can never be sent. Checked only for settings within their own bounds (reported
        // above otherwise), where the sum fits in a TimeSpan.
        var (retries, baseDelay) = (api.Retry.MaxAttempts, api.Retry.BaseDelay);
        if (retries is > 0 and <= 10 && baseDelay > TimeSpan.Zero && baseDelay <= TimeSpan.FromDays(1) && totalTimeout > TimeSpan.Zero)
        {
            var backOff = baseDelay * ((1 << retries) - 1);
            if (backOff >= totalTimeout)
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{Name(Api, nameof(api.Retry), nameof(api.Retry.BaseDelay))} ({baseDelay}), doubled for each of {Name(Api, nameof(api.Retry), nameof(api.Retry.MaxAttempts))} ({retries}) retries, waits {backOff} in all, which must be shorter than {total} ({totalTimeout}): the last retries could never be sent."));
            }
        }
    }

    private static void AddRateLimitFailures(KeapRateLimitOptions rate, List<string> failures)
    {
        static string RateName(string member) => Name(nameof(KeapServiceAccountOptions.RateLimit), member);

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
            failures.Add($"{shorter} ({shorterValue}) must be shorter than {longer} ({longerValue}).");
        }
    }
}
