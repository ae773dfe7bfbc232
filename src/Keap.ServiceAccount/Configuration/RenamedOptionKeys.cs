using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using static Keap.ServiceAccount.Configuration.OptionMessage;

namespace Keap.ServiceAccount.Configuration;

/// <summary>
/// Refuses the flat keys that the 1.0 grouping renamed: binding skips them without a word, so an application that kept,
/// say, a shorter <c>Keap:RefreshTokenKeepAliveAge</c> would run on the default and could let its refresh token lapse.
/// </summary>
internal sealed class RenamedOptionKeys(IConfiguration configuration) : IValidateOptions<KeapServiceAccountOptions>
{
    private static readonly (string Old, string New)[] Renamed =
    [
        ("SoftRefreshWindow", "Refresh:SoftWindow"),
        ("HardRefreshWindow", "Refresh:HardWindow"),
        ("MinRefreshInterval", "Refresh:MinInterval"),
        ("StoreCheckInterval", "Refresh:StoreCheckInterval"),
        ("ShutdownSaveBudget", "Refresh:ShutdownSaveBudget"),
        ("RefreshTokenLifetime", "Refresh:RefreshTokenLifetime"),
        ("RefreshTokenKeepAliveAge", "Refresh:RefreshTokenKeepAliveAge"),
        ("RefreshLeaseDuration", "Refresh:LeaseDuration"),
        ("TokenRequestTimeout", "Refresh:TokenRequestTimeout"),
        ("AuthorizationStateLifetime", "Authorization:StateLifetime"),
        ("TagBatchSize", "Tags:BatchSize"),
        ("QuotaPacing", "Api:QuotaPacing"),
        ("ApiAttemptTimeout", "Api:Timeouts:Attempt"),
        ("ApiTotalTimeout", "Api:Timeouts:Total"),
        ("ApiMaxRetryAttempts", "Api:Retry:MaxAttempts"),
        ("ApiRetryBaseDelay", "Api:Retry:BaseDelay"),
    ];

    public ValidateOptionsResult Validate(string? name, KeapServiceAccountOptions options)
    {
        var failures = Renamed
            .Where(key => configuration[key.Old] is not null)
            .Select(key => $"{Name(key.Old)} is no longer read: set {Name(key.New)} instead (the value was not applied).")
            .ToList();
        return failures.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Invalid Keap settings ({failures.Count}):{Environment.NewLine}- " + string.Join(Environment.NewLine + "- ", failures));
    }
}
