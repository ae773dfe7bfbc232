namespace Keap.ServiceAccount;

/// <summary>
/// The application's own REST hook subscriptions: one <see cref="KeapHookStatus.Verified"/> subscription per configured
/// event key (<c>Keap:Hooks:EventKeys</c>) to the receiver (<c>Keap:Hooks:ReceiverUrl</c> and its path secret). A
/// hosted service reconciles them at start and every <c>Keap:Hooks:ReconcileInterval</c>; call
/// <see cref="ReconcileAsync"/> to do it now (for example right after an administrator connects).
/// </summary>
public interface IKeapHookSubscriptions
{
    /// <summary>
    /// Makes Keap's subscriptions match the configuration: creates missing ones, reactivates or re-creates those not
    /// <see cref="KeapHookStatus.Verified"/>, and deletes duplicates and stale ones this application made (those to its
    /// receiver URL). Safe when several instances run it at once: they converge on one subscription per event key.
    /// </summary>
    /// <param name="cancellationToken">Cancels the reconciliation.</param>
    /// <returns>The application's subscriptions afterwards, one per configured event key.</returns>
    /// <exception cref="KeapApiException">Keap failed or could not be reached.</exception>
    /// <exception cref="KeapAuthorizationException">The application is not connected to Keap.</exception>
    Task<IReadOnlyList<KeapHookSubscription>> ReconcileAsync(CancellationToken cancellationToken = default);

    /// <summary>Lists the subscriptions of the account that point at this application's receiver.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The application's subscriptions, as Keap reports them now.</returns>
    /// <exception cref="KeapApiException">Keap failed or could not be reached.</exception>
    Task<IReadOnlyList<KeapHookSubscription>> ListAsync(CancellationToken cancellationToken = default);
}
