using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;

namespace Keap.ServiceAccount.AspNetCore.Tests.EndToEnd;

/// <summary>What the end-to-end tests share: a connected application with verified subscriptions, contacts, and the log check.</summary>
internal static class World
{
    /// <summary>Waits until the sandbox holds exactly one Verified subscription per configured event key.</summary>
    public static Task SubscribedAsync(SandboxHost keap, AppHost app, string what = "one Verified subscription per event key") =>
        Eventually.ValueAsync(
            what,
            () => Task.FromResult(keap.Hooks.Subscriptions.Select(h => h.ToString())
                .Concat(app.Logs.GetSnapshot().Where(r => r.Category!.Contains("Hook", StringComparison.Ordinal)).Select(r => r.Level + " " + r.Message).TakeLast(8)).ToList()),
            _ => AppHost.EventKeys.All(k => keap.Of(k) is [{ Status: "Verified" }]) && keap.Hooks.Subscriptions.Count == AppHost.EventKeys.Length,
            app.Step);

    /// <summary>How many reconciliations the application's hosted service has finished, well or not.</summary>
    public static int Reconciliations(AppHost app) => app.Logs.GetSnapshot().Count(r => r.Id.Name is "HooksReconciled" or "HooksReconcileFailed");

    /// <summary>
    /// Waits until the hosted service has finished <paramref name="count"/> reconciliations: its pass may still be
    /// listing after the subscriptions look done, and a clock jump then would time its call out.
    /// </summary>
    public static Task ReconciledAsync(AppHost app, int count) =>
        Eventually.TrueAsync($"{count} reconciliations ended", () => Reconciliations(app) >= count, app.Step);

    public static async Task<string> CreateContactAsync(AppHost app, string email) =>
        (await app.PumpAsync(app.Services.GetRequiredService<IKeapContactsClient>().CreateAsync(new KeapContactInput { Email = email }))).Id;

    public static Task DeleteContactAsync(AppHost app, string id) =>
        app.Pump(app.Services.GetRequiredService<IKeapContactsClient>().DeleteAsync(id));

    /// <summary>Moves the sandbox past the delivery delay and waits until the inbox holds <paramref name="eventKey"/> for <paramref name="id"/>.</summary>
    public static async Task<KeapHookObject> DeliveredAsync(SandboxHost keap, Inbox inbox, KeapHookEventKey eventKey, string id)
    {
        keap.Clock.Advance(TimeSpan.FromSeconds(30));
        var (_, change) = await Eventually.ValueAsync(
            $"{eventKey} of {id} is applied",
            () => Task.FromResult(inbox.Changes.FirstOrDefault(c => c.EventKey == eventKey && c.Object.Id == id)),
            c => c.Object is not null);
        return change;
    }

    /// <summary>Neither the path secret nor the hook URL is in any captured log, of any level, message, state or exception.</summary>
    public static void NoSecretInLogs(string secret, params FakeLogCollector[] collectors)
    {
        var records = collectors.SelectMany(c => c.GetSnapshot()).ToList();
        Assert.NotEmpty(records);
        foreach (var record in records)
        {
            var texts = new List<string?> { record.Message, record.Exception?.ToString() };
            texts.AddRange(record.StructuredState?.Select(kv => kv.Value) ?? []);
            Assert.DoesNotContain(texts, t => t is not null && (t.Contains(secret, StringComparison.Ordinal) || t.Contains("/keap/hooks/", StringComparison.Ordinal)));
        }
    }
}
