using System.Globalization;
using Microsoft.Extensions.Options;

namespace Keap.ServiceAccount.AspNetCore.Hooks;

/// <summary>Checks <see cref="KeapHookReceiverOptions"/> at start, naming each invalid setting by its configuration key.</summary>
internal sealed class KeapHookReceiverOptionsValidator : IValidateOptions<KeapHookReceiverOptions>
{
    /// <summary>Keap stops waiting for an answer after 30 seconds and counts the attempt as failed.</summary>
    internal static readonly TimeSpan KeapDeliveryTimeout = TimeSpan.FromSeconds(30);

    public ValidateOptionsResult Validate(string? name, KeapHookReceiverOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.MaxRequestBodySize <= 0)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture,
                $"{KeapHookReceiverOptions.SectionName}:{nameof(options.MaxRequestBodySize)} must be a positive number of bytes (default 1048576, 1 MiB) (got '{options.MaxRequestBodySize}')."));
        }

        if (options.HandlerTimeout <= TimeSpan.Zero || options.HandlerTimeout >= KeapDeliveryTimeout)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture,
                $"{KeapHookReceiverOptions.SectionName}:{nameof(options.HandlerTimeout)} must be more than 00:00:00 and less than 00:00:30, Keap's delivery timeout (default 00:00:10) (got '{options.HandlerTimeout}')."));
        }

        return failures.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Invalid Keap settings ({failures.Count}):{Environment.NewLine}- " + string.Join(Environment.NewLine + "- ", failures));
    }
}
