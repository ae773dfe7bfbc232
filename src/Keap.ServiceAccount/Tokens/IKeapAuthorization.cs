namespace Keap.ServiceAccount;

/// <summary>
/// The administrator's side of the connection: connect the application to Keap, see how the connection
/// stands, refresh now, disconnect. Meant for an admin-only page.
/// </summary>
public interface IKeapAuthorization
{
    /// <summary>
    /// Builds the link to Keap's consent page, carrying a fresh one-time <c>state</c> that expires after
    /// <see cref="KeapAuthorizationOptions.StateLifetime"/>.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The absolute URI to send the administrator to.</returns>
    Task<Uri> CreateAuthorizationUriAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Completes the callback Keap redirected the administrator to: checks the <c>state</c>, reports a denial,
    /// exchanges the code and stores the token.
    /// </summary>
    /// <param name="callback">The callback's query parameters (<c>code</c>, <c>state</c>, or <c>error</c> and <c>error_description</c>).</param>
    /// <param name="cancellationToken">
    /// Cancels the call until the code is sent to Keap. After that the code is spent, so the exchange (at most
    /// <see cref="KeapRefreshOptions.TokenRequestTimeout"/>) and the save of the new token (at most
    /// <see cref="KeapRefreshOptions.ShutdownSaveBudget"/>) finish whatever this token does; only reading the
    /// status for the result may then end in <see cref="OperationCanceledException"/>, with the token stored.
    /// </param>
    /// <returns>
    /// What happened; never throws for a bad, replayed or expired state or a denial. A rejection is this result only:
    /// the connection's status and health stay as they were.
    /// </returns>
    Task<KeapAuthorizationResult> CompleteAuthorizationAsync(KeapAuthorizationCallback callback, CancellationToken cancellationToken = default);

    /// <summary>
    /// Forgets the stored token: the application stops calling Keap until connected again. This instance stops at once;
    /// every other instance sharing the store stops within <see cref="KeapRefreshOptions.StoreCheckInterval"/>
    /// (plus a call already on its way), as it does after a reconnect to another Keap account.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="TokenStoreException">The store failed or kept changing.</exception>
    Task DisconnectAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Refreshes the token now (once for the whole farm, like every refresh) and returns the new status. The refresh
    /// is forced for the version read here: a refresh already running that ends without a newer token is followed by one that does.
    /// </summary>
    /// <param name="cancellationToken">Cancels waiting; the refresh itself, once started, finishes.</param>
    /// <returns>The status after the refresh.</returns>
    Task<KeapConnectionStatus> RefreshNowAsync(CancellationToken cancellationToken = default);

    /// <summary>Reports how the connection stands.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The status; a store that cannot be read is <see cref="KeapConnectionState.StoreUnavailable"/>, not an exception.</returns>
    Task<KeapConnectionStatus> GetStatusAsync(CancellationToken cancellationToken = default);
}
