namespace Keap.ServiceAccount.Tests.Tokens;

public sealed class KeapTokenTests
{
    private static readonly DateTimeOffset Issued = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ToString_describes_the_token_without_either_secret()
    {
        var token = new KeapToken("access-secret-123", "refresh-secret-456", Issued.AddHours(24), Issued, "full|ab123.infusionsoft.com");

        var text = token.ToString();

        Assert.DoesNotContain("access-secret-123", text, StringComparison.Ordinal);
        Assert.DoesNotContain("refresh-secret-456", text, StringComparison.Ordinal);
        Assert.Contains("ab123.infusionsoft.com", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("full|ab123.infusionsoft.com", "ab123.infusionsoft.com")]
    [InlineData("full", null)]
    [InlineData("full|", null)]
    [InlineData(null, null)]
    public void Account_is_read_from_the_scope(string? scope, string? expected)
    {
        var token = new KeapToken("a", "r", Issued.AddHours(24), Issued, scope);

        Assert.Equal(expected, token.Account);
    }

    [Theory]
    [InlineData("", "r")]
    [InlineData("a", " ")]
    public void Empty_tokens_are_rejected(string access, string refresh)
    {
        Assert.ThrowsAny<ArgumentException>(() => new KeapToken(access, refresh, Issued, Issued, null));
    }
}
