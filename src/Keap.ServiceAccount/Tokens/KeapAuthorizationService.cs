using Keap.ServiceAccount.Tokens.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Keap.ServiceAccount.Tokens;

/// <summary>The administrator's connect / status / refresh / disconnect operations.</summary>
internal sealed class KeapAuthorizationService(
    KeapTokenManager manager,
    GuardedTokenStore store,
    TokenEndpointClient endpoint,
    AuthorizationStateProtector states,
    IOptions<KeapServiceAccountOptions> options,
    TimeProvider timeProvider,
    ILogger<KeapAuthorizationService> logger) : IKeapAuthorization
{
    private const int MaxWriteAttempts = 5;

    public Task<Uri> CreateAuthorizationUriAsync(CancellationToken cancellationToken = default)
    {
        var o = options.Value;
        if (o.UsesServiceAccountKey || string.IsNullOrWhiteSpace(o.ClientId) || o.RedirectUri is null)
        {
            throw new InvalidOperationException("Keap:ClientId and Keap:RedirectUri are required to connect with OAuth.");
        }

        var query = string.Join(
            '&',
            $"client_id={Uri.EscapeDataString(o.ClientId)}",
            $"redirect_uri={Uri.EscapeDataString(o.RedirectUri.AbsoluteUri)}",
            "response_type=code",
            "scope=full",
            $"state={Uri.EscapeDataString(states.Create())}");
        var builder = new UriBuilder(o.AuthorizeEndpoint) { Query = query };
        return Task.FromResult(builder.Uri);
    }

    public async Task<KeapAuthorizationResult> CompleteAuthorizationAsync(KeapAuthorizationCallback callback, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var check = states.Consume(callback.State);
        if (check != StateCheck.Valid)
        {
            var reason = check switch
            {
                StateCheck.Expired => "The authorization link expired. Start again from the admin page.",
                StateCheck.Replayed => "This authorization response was already used. Start again from the admin page.",
                _ => "The authorization response did not carry a valid state (missing, damaged or forged). Start again from the admin page.",
            };
            var rejected = await RejectAsync(KeapAuthorizationOutcome.InvalidState, reason, cancellationToken).ConfigureAwait(false);
            return new KeapAuthorizationResult(rejected.Outcome, rejected.Message, rejected.Status) { AlreadyUsed = check == StateCheck.Replayed };
        }

        if (!string.IsNullOrEmpty(callback.Error))
        {
            return string.Equals(callback.Error, "access_denied", StringComparison.Ordinal)
                ? await RejectAsync(KeapAuthorizationOutcome.Denied, $"Access was denied on Keap's consent page: {callback.ErrorDescription ?? "no description"}.", cancellationToken).ConfigureAwait(false)
                : await RejectAsync(KeapAuthorizationOutcome.Failed, $"Keap returned {callback.Error}: {callback.ErrorDescription ?? "no description"}.", cancellationToken).ConfigureAwait(false);
        }

        if (string.IsNullOrWhiteSpace(callback.Code))
        {
            return await RejectAsync(KeapAuthorizationOutcome.Failed, "Keap's answer carried no authorization code.", cancellationToken).ConfigureAwait(false);
        }

        // The code is single-use: once it is on the wire, the exchange and the save finish whatever the caller's token
        // does (an administrator closing the tab), bounded by the exchange's own TokenRequestTimeout and then by
        // ShutdownSaveBudget for the save, as for a refresh token on the wire at shutdown.
        cancellationToken.ThrowIfCancellationRequested();
        var result = await endpoint.ExchangeCodeAsync(callback.Code, CancellationToken.None).ConfigureAwait(false);
        if (result.Token is null)
        {
            return await RejectAsync(KeapAuthorizationOutcome.Failed, $"The authorization code could not be exchanged: {result.Description}", cancellationToken).ConfigureAwait(false);
        }

        var budget = options.Value.Refresh.ShutdownSaveBudget;
        StoredToken? saved;
        using (var saveBudget = new CancellationTokenSource(budget, timeProvider))
        {
            try
            {
                saved = await StoreGrantAsync(result.Token, saveBudget.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (saveBudget.IsCancellationRequested)
            {
                return await RejectAsync(KeapAuthorizationOutcome.Failed, $"The new token could not be stored within {budget} (Keap:Refresh:ShutdownSaveBudget).", cancellationToken).ConfigureAwait(false);
            }
        }

        if (saved is null)
        {
            return await RejectAsync(KeapAuthorizationOutcome.Failed, "The new token could not be stored: the store kept changing.", cancellationToken).ConfigureAwait(false);
        }

        // Stored and in use: only the report of the status below still answers to the caller's token.
        manager.Adopt(saved);
        TokenLog.AuthorizationCompleted(logger, KeapAuthorizationOutcome.Connected);
        var status = await manager.GetStatusAsync(cancellationToken).ConfigureAwait(false);
        return new KeapAuthorizationResult(KeapAuthorizationOutcome.Connected, $"Connected to Keap account {saved.Token.Account ?? "(unknown)"}.", status);
    }

    /// <summary>Replaces whatever is stored (even a token another instance just refreshed) by the new grant; <see langword="null"/> when the store kept changing.</summary>
    private async Task<StoredToken?> StoreGrantAsync(KeapToken token, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= MaxWriteAttempts; attempt++)
        {
            var current = await store.GetAsync(cancellationToken).ConfigureAwait(false);
            var saved = await store.TrySaveAsync(token, current?.Version ?? StoredToken.NoVersion, cancellationToken).ConfigureAwait(false);
            if (saved is not null)
            {
                return saved;
            }
        }

        return null;
    }

    public async Task DisconnectAsync(CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; attempt <= MaxWriteAttempts; attempt++)
        {
            var current = await store.GetAsync(cancellationToken).ConfigureAwait(false);
            if (current is null || await store.TryDeleteAsync(current.Version, cancellationToken).ConfigureAwait(false))
            {
                manager.Forget();
                TokenLog.Disconnected(logger);
                return;
            }
        }

        throw new TokenStoreException("The token could not be removed: the store kept changing.");
    }

    public async Task<KeapConnectionStatus> RefreshNowAsync(CancellationToken cancellationToken = default)
    {
        if (!options.Value.UsesServiceAccountKey)
        {
            StoredToken? stored;
            try
            {
                stored = await store.GetAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (TokenStoreException)
            {
                // The status reports the store as unavailable.
                stored = null;
            }

            if (stored is not null)
            {
                // Forced for the version seen here: joining a refresh that ends without a newer token starts another.
                await manager.RefreshAsync(stored.Version).WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        return await manager.GetStatusAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task<KeapConnectionStatus> GetStatusAsync(CancellationToken cancellationToken = default) => manager.GetStatusAsync(cancellationToken);

    private async Task<KeapAuthorizationResult> RejectAsync(KeapAuthorizationOutcome outcome, string reason, CancellationToken cancellationToken)
    {
        // The rejection is this callback's result only: the stored connection, its status and health are unaffected.
        TokenLog.AuthorizationRejected(logger, outcome, reason);
        var status = await manager.GetStatusAsync(cancellationToken).ConfigureAwait(false);
        return new KeapAuthorizationResult(outcome, reason, status);
    }
}
