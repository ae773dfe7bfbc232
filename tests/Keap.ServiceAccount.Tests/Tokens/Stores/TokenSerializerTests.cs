using Keap.ServiceAccount.Tokens.Stores;

namespace Keap.ServiceAccount.Tests.Tokens.Stores;

public sealed class TokenSerializerTests
{
    private static readonly KeapToken Token = new(
        "access-secret-123",
        "refresh-secret-456",
        new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero),
        new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero),
        "full|ab123.infusionsoft.com");

    [Fact]
    public void Round_trips_every_field()
    {
        var read = TokenSerializer.Deserialize(TokenSerializer.Serialize(Token, protector: null), protector: null, "test", version: 1).Token;

        Assert.Equal(Token.AccessToken, read.AccessToken);
        Assert.Equal(Token.RefreshToken, read.RefreshToken);
        Assert.Equal(Token.AccessTokenExpiresAt, read.AccessTokenExpiresAt);
        Assert.Equal(Token.RefreshTokenIssuedAt, read.RefreshTokenIssuedAt);
        Assert.Equal("ab123.infusionsoft.com", read.Account);
    }

    [Fact]
    public void Passes_the_whole_document_through_the_protector()
    {
        var protector = new ReversingProtector();

        var stored = TokenSerializer.Serialize(Token, protector);

        Assert.DoesNotContain("refresh-secret-456", stored, StringComparison.Ordinal);
        Assert.Equal(Token.RefreshToken, TokenSerializer.Deserialize(stored, protector, "test", version: 1).Token.RefreshToken);
    }

    [Theory]
    [InlineData("{\"format\":1,\"access_token\":\"access-secret-123\",\"refresh_token\":")]
    [InlineData("{\"format\":99,\"access_token\":\"a\",\"refresh_token\":\"r\"}")]
    [InlineData("{\"format\":1,\"access_token\":\"a\"}")]
    [InlineData("null")]
    public void Reports_unreadable_data_without_quoting_it(string stored)
    {
        var error = Assert.Throws<TokenStoreException>(() => TokenSerializer.Deserialize(stored, protector: null, "the test store", version: 1));

        Assert.Contains("the test store", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("access-secret-123", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Reports_data_the_protector_cannot_open()
    {
        var error = Assert.Throws<TokenStoreException>(() => TokenSerializer.Deserialize("garbage", new ReversingProtector(), "the test store", version: 1));

        Assert.Contains("cannot be unprotected", error.Message, StringComparison.Ordinal);
    }

    private sealed class ReversingProtector : ITokenProtector
    {
        public string Protect(string plaintext) => "v1:" + new string(plaintext.Reverse().ToArray());

        public string Unprotect(string protectedData) => protectedData.StartsWith("v1:", StringComparison.Ordinal)
            ? new string(protectedData[3..].Reverse().ToArray())
            : throw new FormatException("Not protected by this protector.");
    }
}
