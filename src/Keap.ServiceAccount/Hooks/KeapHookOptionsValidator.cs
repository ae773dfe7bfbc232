using Microsoft.Extensions.Options;

namespace Keap.ServiceAccount.Hooks;

/// <summary>Checks <c>Keap:Hooks</c> at start-up, one line per invalid setting, each naming its configuration key.</summary>
internal sealed class KeapHookOptionsValidator : IValidateOptions<KeapHookOptions>
{
    public static readonly TimeSpan MinReconcileInterval = TimeSpan.FromMinutes(1);

    public ValidateOptionsResult Validate(string? name, KeapHookOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        CheckReceiverUrl(options.ReceiverUrl, failures);
        if (options.EventKeys.Count == 0)
        {
            failures.Add("Keap:Hooks:EventKeys must list at least one event key, for example contact.delete.");
        }

        if (options.EventKeys.Any(string.IsNullOrWhiteSpace))
        {
            failures.Add("Keap:Hooks:EventKeys holds a blank entry; every entry must be an event key such as contact.delete.");
        }

        // Ignoring case: contact.delete and Contact.Delete would be two subscriptions (or one Keap refuses at every pass).
        var repeated = options.EventKeys.Where(k => !string.IsNullOrWhiteSpace(k)).GroupBy(k => k, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (repeated.Count > 0)
        {
            failures.Add($"Keap:Hooks:EventKeys lists {string.Join(", ", repeated)} more than once (ignoring case); list each event key once, spelled as Keap does.");
        }

        if (options.ReconcileInterval < MinReconcileInterval)
        {
            failures.Add($"Keap:Hooks:ReconcileInterval must be at least {MinReconcileInterval} (it is {options.ReconcileInterval}).");
        }

        return failures.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Invalid Keap settings ({failures.Count}):{Environment.NewLine}- " + string.Join(Environment.NewLine + "- ", failures));
    }

    private static void CheckReceiverUrl(Uri? url, List<string> failures)
    {
        if (url is null)
        {
            failures.Add("Keap:Hooks:ReceiverUrl is required: the public https URL where MapKeapHooks is mapped, for example https://app.example.com/keap/hooks.");
            return;
        }

        if (!url.IsAbsoluteUri)
        {
            failures.Add("Keap:Hooks:ReceiverUrl must be an absolute URL, for example https://app.example.com/keap/hooks.");
            return;
        }

        if (url.Scheme != Uri.UriSchemeHttps && !(url.Scheme == Uri.UriSchemeHttp && url.IsLoopback))
        {
            failures.Add("Keap:Hooks:ReceiverUrl must use https (http is accepted for a loopback host only): Keap sends the path secret in the URL.");
        }

        if (url.Query.Length > 0 || url.Fragment.Length > 0 || !string.IsNullOrEmpty(url.UserInfo))
        {
            failures.Add("Keap:Hooks:ReceiverUrl must have no query, fragment or user information: the path secret is appended to its path.");
        }
    }
}
