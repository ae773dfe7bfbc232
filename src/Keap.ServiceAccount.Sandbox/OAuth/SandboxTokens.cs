using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Keap.ServiceAccount.Sandbox.OAuth;

/// <summary>Issues and checks consent nonces, authorization codes, access and refresh tokens.</summary>
internal sealed class SandboxTokens
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Consent> _nonces = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Code> _codes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Issued> _access = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Refresh> _refresh = new(StringComparer.Ordinal);
    private readonly KeapSandboxOptions _options;
    private readonly TimeProvider _time;

    public SandboxTokens(IOptions<KeapSandboxOptions> options, TimeProvider time, KeapSandboxState state)
    {
        _options = options.Value;
        _time = time;
        state.Resetting += Clear;
    }

    public string Scope => $"full|{_options.Account}";

    public KeapSandboxApp? FindClient(string? clientId) =>
        _options.EffectiveApps.FirstOrDefault(c => string.Equals(c.ClientId, clientId, StringComparison.Ordinal));

    public KeapSandboxApp? Authenticate(string? clientId, string? clientSecret) =>
        FindClient(clientId) is { } client
        && clientSecret is not null
        && CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(client.ClientSecret), System.Text.Encoding.UTF8.GetBytes(clientSecret))
            ? client
            : null;

    public string IssueNonce(string clientId, string redirectUri, string? state)
    {
        var nonce = NewSecret();
        lock (_gate)
        {
            _nonces[nonce] = new Consent(clientId, redirectUri, state, _time.GetUtcNow().AddMinutes(30));
        }

        return nonce;
    }

    /// <summary>Spends a consent nonce; it must have been issued for this very client, redirect URI and state.</summary>
    public bool TryConsumeNonce(string? nonce, string? clientId, string? redirectUri, string? state)
    {
        lock (_gate)
        {
            return nonce is not null
                && _nonces.Remove(nonce, out var consent)
                && consent.ClientId == clientId
                && consent.RedirectUri == redirectUri
                && consent.State == state
                && consent.Expires > _time.GetUtcNow();
        }
    }

    public string IssueCode(string clientId, string redirectUri)
    {
        var code = NewSecret();
        lock (_gate)
        {
            _codes[code] = new Code(clientId, redirectUri, _time.GetUtcNow() + _options.AuthorizationCodeLifetime);
        }

        return code;
    }

    /// <summary>Spends a code (single use, even when the other checks fail) and grants tokens.</summary>
    public KeapSandboxTokenGrant? RedeemCode(string clientId, string? code, string? redirectUri)
    {
        lock (_gate)
        {
            return code is not null
                && _codes.Remove(code, out var issued)
                && issued.ClientId == clientId
                && issued.RedirectUri == redirectUri
                && issued.Expires > _time.GetUtcNow()
                ? GrantLocked(clientId)
                : null;
        }
    }

    /// <summary>Rotates a refresh token: the presented one is spent whether or not this succeeds.</summary>
    public KeapSandboxTokenGrant? Rotate(string clientId, string? refreshToken)
    {
        lock (_gate)
        {
            if (refreshToken is null
                || !_refresh.TryGetValue(refreshToken, out var current)
                || current.Spent
                || current.ClientId != clientId
                || current.Expires <= _time.GetUtcNow())
            {
                return null;
            }

            _refresh[refreshToken] = current with { Spent = true };
            return GrantLocked(clientId);
        }
    }

    public KeapSandboxTokenGrant Grant(string clientId)
    {
        lock (_gate)
        {
            return GrantLocked(clientId);
        }
    }

    public bool IsValidAccessToken(string token)
    {
        lock (_gate)
        {
            return _access.TryGetValue(token, out var issued) && issued.Expires > _time.GetUtcNow();
        }
    }

    private KeapSandboxTokenGrant GrantLocked(string clientId)
    {
        var now = _time.GetUtcNow();
        var access = NewSecret();
        var refresh = NewSecret();
        _access[access] = new Issued(clientId, now + _options.AccessTokenLifetime);
        _refresh[refresh] = new Refresh(clientId, now + _options.RefreshTokenLifetime, Spent: false);
        return new KeapSandboxTokenGrant(access, refresh, (int)_options.AccessTokenLifetime.TotalSeconds, Scope);
    }

    private void Clear()
    {
        lock (_gate)
        {
            _nonces.Clear();
            _codes.Clear();
            _access.Clear();
            _refresh.Clear();
        }
    }

    private static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));

    private sealed record Consent(string ClientId, string RedirectUri, string? State, DateTimeOffset Expires);

    private sealed record Code(string ClientId, string RedirectUri, DateTimeOffset Expires);

    private sealed record Issued(string ClientId, DateTimeOffset Expires);

    private sealed record Refresh(string ClientId, DateTimeOffset Expires, bool Spent);
}
