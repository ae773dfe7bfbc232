using Keap.ServiceAccount;

namespace MyApp;

/// <summary>Your storage of changes Keap told you about: a table with a unique delivery key.</summary>
public interface IKeapChangeInbox
{
    /// <summary>Stores the change unless its delivery key is already stored; a worker applies it later.</summary>
    Task AddIfNewAsync(string deliveryKey, KeapHookEventKey eventKey, string objectId, CancellationToken cancellationToken);
}

/// <summary>Keeps every change of a REST hook delivery before the receiver answers Keap.</summary>
public sealed class KeapHookInbox(IKeapChangeInbox inbox) : IKeapHookHandler
{
    /// <summary>Returns once every change is stored, so the 200 Keap gets means "kept".</summary>
    public async Task HandleAsync(KeapHookDelivery delivery, CancellationToken cancellationToken)
    {
        foreach (var change in delivery.Objects)
        {
            // Keap retries and batches: the same change comes again with the same key, and is stored once.
            await inbox.AddIfNewAsync(change.DeliveryKey, delivery.EventKey, change.Id, cancellationToken);
        }
    }
}
