namespace Keap.ServiceAccount;

/// <summary>
/// Keap's REST hook subscriptions (<c>/rest/v1/hooks</c>; hooks exist only in Keap's v1 API), called through the
/// package's pipeline: the same token, rate limiter, retries and circuit breaker as the other clients.
/// </summary>
/// <remarks>Every method throws <see cref="KeapApiException"/> when Keap answers with an error or cannot be reached.</remarks>
public interface IKeapHooksClient
{
    /// <summary>Lists the event keys Keap offers (<c>GET /rest/v1/hooks/event_keys</c>).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The keys, as Keap lists them.</returns>
    Task<IReadOnlyList<KeapHookEventKey>> ListEventKeysAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Subscribes <paramref name="hookUrl"/> to <paramref name="eventKey"/> (<c>POST /rest/v1/hooks</c>). Keap verifies
    /// the URL during the call (the <c>X-Hook-Secret</c> handshake), so the receiver must already answer.
    /// </summary>
    /// <param name="eventKey">The event to hear.</param>
    /// <param name="hookUrl">The absolute URL Keap will POST to.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new subscription, <see cref="KeapHookStatus.Verified"/> when the handshake succeeded.</returns>
    Task<KeapHookSubscription> SubscribeAsync(KeapHookEventKey eventKey, Uri hookUrl, CancellationToken cancellationToken = default);

    /// <summary>
    /// Lists every subscription of the account (<c>GET /rest/v1/hooks</c>). An entry without a key or an absolute hook
    /// URL (which this package never makes) is left out, with a warning, rather than failing the whole list.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The subscriptions.</returns>
    Task<IReadOnlyList<KeapHookSubscription>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Reads one subscription (<c>GET /rest/v1/hooks/{key}</c>).</summary>
    /// <param name="key">The subscription's key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The subscription, or <see langword="null"/> when Keap has none with that key.</returns>
    Task<KeapHookSubscription?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Changes a subscription's event or URL (<c>PUT /rest/v1/hooks/{key}</c>); Keap verifies the URL again.</summary>
    /// <param name="key">The subscription's key.</param>
    /// <param name="eventKey">The event to hear.</param>
    /// <param name="hookUrl">The absolute URL Keap will POST to.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The changed subscription.</returns>
    Task<KeapHookSubscription> UpdateAsync(string key, KeapHookEventKey eventKey, Uri hookUrl, CancellationToken cancellationToken = default);

    /// <summary>Deletes a subscription (<c>DELETE /rest/v1/hooks/{key}</c>).</summary>
    /// <param name="key">The subscription's key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when it was deleted; <see langword="false"/> when Keap had none with that key.</returns>
    Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Asks Keap to run the handshake again (<c>POST /rest/v1/hooks/{key}/verify</c>); this is how an
    /// <see cref="KeapHookStatus.Inactive"/> subscription is reactivated.
    /// </summary>
    /// <param name="key">The subscription's key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The subscription with its new status.</returns>
    Task<KeapHookSubscription> VerifyAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Completes a handshake the receiver did not answer at once (<c>POST /rest/v1/hooks/{key}/delayedVerify</c>, with
    /// the <c>X-Hook-Secret</c> Keap sent).
    /// </summary>
    /// <param name="key">The subscription's key.</param>
    /// <param name="hookSecret">The <c>X-Hook-Secret</c> value Keap sent to the receiver.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The subscription with its new status.</returns>
    Task<KeapHookSubscription> DelayedVerifyAsync(string key, string hookSecret, CancellationToken cancellationToken = default);
}
