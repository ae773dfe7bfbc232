using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Keap.ServiceAccount.Sandbox.OAuth;

/// <summary>
/// Issues and checks consent nonces, authorization codes, access and refresh tokens. Each is remembered by the
/// SHA-256 of its value, as a real authorization server would, so the grants can be written to a state file
/// without writing a usable token.
/// </summary>
internal sealed class SandboxTokens
{
    private readonly Lock _gate = new();
    private SandboxGrants _grants = new();
    private readonly KeapSandboxOptions _options;
    private readonly TimeProvider _time;

    public SandboxTokens(IOptions<KeapSandboxOptions> options, TimeProvider time, KeapSandboxState state)
    {
        _options = options.Value;
        _time = time;
        state.Resetting += Clear;
    }

    /// <summary>The emulated Keap account's host name, as the consent page names it.</summary>
    public string Account => _options.Account;

    public string Scope => $"full|{Account}";

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
            _grants.Nonces[Key(nonce)] = new ConsentGrant(clientId, redirectUri, state, _time.GetUtcNow().AddMinutes(30));
        }

        return nonce;
    }

    /// <summary>Spends a consent nonce; it must have been issued for this very client, redirect URI and state.</summary>
    public bool TryConsumeNonce(string? nonce, string? clientId, string? redirectUri, string? state)
    {
        lock (_gate)
        {
            return nonce is not null
                && _grants.Nonces.Remove(Key(nonce), out var consent)
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
            _grants.Codes[Key(code)] = new CodeGrant(clientId, redirectUri, _time.GetUtcNow() + _options.AuthorizationCodeLifetime);
        }

        return code;
    }

    /// <summary>Spends a code (single use, even when the other checks fail) and grants tokens.</summary>
    public KeapSandboxTokenGrant? RedeemCode(string clientId, string? code, string? redirectUri)
    {
        lock (_gate)
        {
            return code is not null
                && _grants.Codes.Remove(Key(code), out var issued)
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
                || !_grants.Refresh.TryGetValue(Key(refreshToken), out var current)
                || current.Spent
                || current.ClientId != clientId
                || current.Expires <= _time.GetUtcNow())
            {
                return null;
            }

            _grants.Refresh[Key(refreshToken)] = current with { Spent = true };
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
            return _grants.Access.TryGetValue(Key(token), out var issued) && issued.Expires > _time.GetUtcNow();
        }
    }

    private KeapSandboxTokenGrant GrantLocked(string clientId)
    {
        var now = _time.GetUtcNow();
        var access = NewSecret();
        var refresh = NewSecret();
        _grants.Access[Key(access)] = new AccessGrant(clientId, now + _options.AccessTokenLifetime);
        _grants.Refresh[Key(refresh)] = new RefreshGrant(clientId, now + _options.RefreshTokenLifetime, Spent: false);
        return new KeapSandboxTokenGrant(access, refresh, (int)_options.AccessTokenLifetime.TotalSeconds, Scope);
    }

    /// <summary>The grants that have not expired, for a state file.</summary>
    public SandboxGrants Snapshot()
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            return new SandboxGrants
            {
                Nonces = Unexpired(_grants.Nonces, c => c.Expires, now),
                Codes = Unexpired(_grants.Codes, c => c.Expires, now),
                Access = Unexpired(_grants.Access, a => a.Expires, now),
                Refresh = Unexpired(_grants.Refresh, r => r.Expires, now),
            };
        }
    }

    /// <summary>Replaces every grant, when a state file is loaded.</summary>
    public void Restore(SandboxGrants grants)
    {
        lock (_gate)
        {
            _grants = grants;
        }
    }

    private void Clear()
    {
        lock (_gate)
        {
            _grants = new SandboxGrants();
        }
    }

    private static Dictionary<string, T> Unexpired<T>(Dictionary<string, T> records, Func<T, DateTimeOffset> expires, DateTimeOffset now) =>
        records.Where(r => expires(r.Value) > now).ToDictionary(StringComparer.Ordinal);

    private static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));

    private static string Key(string secret) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret)));
}

/// <summary>Every live grant, keyed by the SHA-256 of its secret. A state file serializes this object whole.</summary>
internal sealed class SandboxGrants
{
    public Dictionary<string, ConsentGrant> Nonces { get; init; } = new(StringComparer.Ordinal);

    public Dictionary<string, CodeGrant> Codes { get; init; } = new(StringComparer.Ordinal);

    public Dictionary<string, AccessGrant> Access { get; init; } = new(StringComparer.Ordinal);

    public Dictionary<string, RefreshGrant> Refresh { get; init; } = new(StringComparer.Ordinal);
}

internal sealed record ConsentGrant(string ClientId, string RedirectUri, string? State, DateTimeOffset Expires);

internal sealed record CodeGrant(string ClientId, string RedirectUri, DateTimeOffset Expires);

internal sealed record AccessGrant(string ClientId, DateTimeOffset Expires);

internal sealed record RefreshGrant(string ClientId, DateTimeOffset Expires, bool Spent);
