using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Keap.ServiceAccount.Tokens.Internal;

/// <summary>The result of checking a callback's <c>state</c>.</summary>
internal enum StateCheck
{
    Valid,
    Malformed,
    Expired,
    Replayed,
}

/// <summary>
/// Issues and checks the one-time OAuth <c>state</c>: a random nonce and an expiry, signed with a key derived
/// from the client secret so it validates after a restart. Used states are remembered until they expire.
/// </summary>
internal sealed class AuthorizationStateProtector(IOptions<KeapServiceAccountOptions> options, TimeProvider timeProvider)
{
    private const int NonceLength = 16;
    private const int ExpiryLength = 8;
    private const int MacLength = 32;
    private const int PayloadLength = NonceLength + ExpiryLength;
    private const int StateBytes = PayloadLength + MacLength;
    private static readonly byte[] KeyLabel = Encoding.UTF8.GetBytes("Keap.ServiceAccount authorization state v1");

    private readonly ConcurrentDictionary<string, DateTimeOffset> _used = new(StringComparer.Ordinal);

    public string Create()
    {
        var state = new byte[StateBytes];
        RandomNumberGenerator.Fill(state.AsSpan(0, NonceLength));
        var expires = timeProvider.GetUtcNow() + options.Value.Authorization.StateLifetime;
        BinaryPrimitives.WriteInt64BigEndian(state.AsSpan(NonceLength, ExpiryLength), expires.ToUnixTimeSeconds());
        Sign(state.AsSpan(0, PayloadLength), state.AsSpan(PayloadLength));
        return Base64Url.EncodeToString(state);
    }

    /// <summary>Checks <paramref name="state"/> and consumes it; any malformed input is reported, never thrown.</summary>
    public StateCheck Consume(string? state)
    {
        if (string.IsNullOrEmpty(state) || state.Length != Base64Url.GetEncodedLength(StateBytes))
        {
            return StateCheck.Malformed;
        }

        Span<byte> bytes = stackalloc byte[StateBytes];
        // The OperationStatus overload reports bad characters instead of throwing (TryDecodeFromChars throws FormatException).
        if (Base64Url.DecodeFromChars(state, bytes, out _, out var written) != OperationStatus.Done || written != StateBytes)
        {
            return StateCheck.Malformed;
        }

        Span<byte> expected = stackalloc byte[MacLength];
        Sign(bytes[..PayloadLength], expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, bytes[PayloadLength..]))
        {
            return StateCheck.Malformed;
        }

        var now = timeProvider.GetUtcNow();
        var expires = DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadInt64BigEndian(bytes.Slice(NonceLength, ExpiryLength)));
        if (expires <= now)
        {
            return StateCheck.Expired;
        }

        Prune(now);
        // Keyed by the decoded nonce: two spellings of the same bytes (unused trailing bits) are one state.
        return _used.TryAdd(Convert.ToHexString(bytes[..NonceLength]), expires) ? StateCheck.Valid : StateCheck.Replayed;
    }

    private void Sign(ReadOnlySpan<byte> payload, Span<byte> mac)
    {
        var secret = options.Value.ClientSecret ?? string.Empty;
        Span<byte> key = stackalloc byte[MacLength];
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), KeyLabel, key);
        HMACSHA256.HashData(key, payload, mac);
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, expires) in _used)
        {
            if (expires <= now)
            {
                _used.TryRemove(key, out _);
            }
        }
    }
}
