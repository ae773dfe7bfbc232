namespace Keap.ServiceAccount;

/// <summary>
/// The application's handler of REST hook deliveries, resolved by the receiver (<c>MapKeapHooks</c> in
/// <c>Keap.ServiceAccount.AspNetCore</c>) in a scope of its own for each delivery, disposed when the handler returns.
/// The receiver answers Keap <c>200</c> only after <see cref="HandleAsync"/> returned, so persist the delivery (or
/// apply it) before returning; a handler that throws, or runs past the receiver's budget (well under Keap's 30 s),
/// makes the receiver answer <c>503</c> and Keap delivers again later. A handler that ignores the cancellation keeps
/// its services until it returns, and a failure after the <c>503</c> is still logged.
/// </summary>
/// <remarks>
/// Keap retries and batches, so the same change can arrive more than once: use <see cref="KeapHookObject.DeliveryKey"/>
/// to skip what was already applied. A delivery carries ids only and is unsigned: read the current object through the
/// API before acting on it.
/// </remarks>
public interface IKeapHookHandler
{
    /// <summary>Takes one delivery. Return only once it is safely stored or applied.</summary>
    /// <param name="delivery">The delivery, already checked for shape; its event key is one the application subscribed to.</param>
    /// <param name="cancellationToken">Cancelled when the receiver's budget runs out or Keap hangs up.</param>
    /// <returns>A task that completes when the delivery is stored or applied.</returns>
    Task HandleAsync(KeapHookDelivery delivery, CancellationToken cancellationToken);
}
