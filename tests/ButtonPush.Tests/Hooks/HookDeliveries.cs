using System.Globalization;
using ButtonPush.Hooks;
using Keap.ServiceAccount;
using Microsoft.Extensions.DependencyInjection;

namespace ButtonPush.Tests.Hooks;

/// <summary>Builds deliveries as the receiver hands them over, and hands them to the app's handler the way it does.</summary>
internal static class HookDeliveries
{
    public static KeapHookDelivery Delivery(KeapHookEventKey eventKey, params (string Id, DateTimeOffset Timestamp)[] objects) => new()
    {
        EventKey = eventKey,
        ObjectType = eventKey.Value.StartsWith("contactGroup.", StringComparison.Ordinal) ? "contactGroup" : "contact",
        Objects = [.. objects.Select(o => new KeapHookObject
        {
            Id = o.Id,
            Timestamp = o.Timestamp,
            DeliveryKey = $"{eventKey.Value}:{o.Id}:{o.Timestamp.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)}",
        })],
    };

    /// <summary>Calls the handler in a request scope of its own, as the receiver does for each delivery.</summary>
    public static async Task DeliverAsync(this ButtonPushApp app, KeapHookDelivery delivery)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ButtonPushHookHandler>().HandleAsync(delivery, CancellationToken.None);
    }

    public static Task<IReadOnlyList<HookEvent>> HookEventsAsync(this ButtonPushApp app) =>
        app.Services.GetRequiredService<HookEventStore>().ListRecentAsync(100_000, CancellationToken.None);

    /// <summary>
    /// Waits until the embedded sandbox has delivered every change it collected and the app has applied them all, so
    /// what a test does next is the only change on its way (the app's own upserts and tags fire hooks too). The outbox
    /// is empty first: a row is done only after the sandbox answered, and the sandbox collects a change before it answers.
    /// </summary>
    public static Task SettledAsync(this ButtonPushApp app) =>
        Eventually.TrueAsync(
            "the sandbox has delivered every change and the app has applied them",
            async () => app.Services.GetRequiredService<Keap.ServiceAccount.Sandbox.KeapSandboxHooks>() is { CollectedObjects: 0, UndeliveredObjects: 0 }
                && (await app.OpenOutboxAsync()).Count == 0
                && (await app.HookEventsAsync()).All(e => e.AppliedAt is not null));

    /// <summary>Waits until every stored hook event has been applied, and returns them.</summary>
    public static Task<IReadOnlyList<HookEvent>> AppliedHookEventsAsync(this ButtonPushApp app, int count, Action? betweenChecks = null) =>
        Eventually.ValueAsync(
            $"{count} hook event(s) are applied",
            app.HookEventsAsync,
            events => events.Count == count && events.All(e => e.AppliedAt is not null),
            betweenChecks);
}
