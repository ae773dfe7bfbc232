using Keap.ServiceAccount.Tokens.Internal;
using Keap.ServiceAccount.Tokens.Stores;

namespace Keap.ServiceAccount.Tests.Tokens;

/// <summary>The internal records that carry a token: a logged or debugged instance must not reveal a secret.</summary>
public sealed class SecretFreeToStringTests
{
    private const string Access = "access-secret-123";
    private const string Refresh = "refresh-secret-456";
    private static readonly DateTimeOffset Issued = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly KeapToken Token = new(Access, Refresh, Issued.AddHours(24), Issued, "full|ab123.infusionsoft.com");

    public static TheoryData<string, object> Records()
    {
        var serialized = TokenSerializer.Serialize(Token, protector: null);
        return new()
        {
            { nameof(CachedToken), new CachedToken(new StoredToken(Token, 3), Access, Issued, Issued, Issued, Issued, Pending: false) },
            { nameof(TokenDocument), new TokenDocument(1, Access, Refresh, Issued.AddHours(24), Issued, "full", Refusal: null) },
            { nameof(FileDocument), new FileDocument(3, serialized) },
        };
    }

    [Theory]
    [MemberData(nameof(Records))]
    public void ToString_reveals_neither_token(string name, object record)
    {
        var text = record.ToString();

        Assert.DoesNotContain(Access, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Refresh, text, StringComparison.Ordinal);
        Assert.StartsWith(name, text, StringComparison.Ordinal);
    }
}
