using Keap.ServiceAccount.Tests.Tokens;
using Keap.ServiceAccount.Tokens.Stores;
using Microsoft.Extensions.DependencyInjection;

namespace Keap.ServiceAccount.Tests.DependencyInjection;

public sealed class KeapServiceAccountBuilderTokensTests : IDisposable
{
    private readonly FakeTokenEndpoint _endpoint = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("keap-builder-").FullName;

    public void Dispose()
    {
        _endpoint.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task The_file_store_uses_the_registered_protector()
    {
        var path = Path.Combine(_directory, "token.json");
        using var host = TokenTestHost.Create(_endpoint, build: b => b.UseFileTokenStore(path).UseTokenProtector(_ => new PrefixProtector()));

        await host.SeedAsync(TimeSpan.FromHours(24));

        Assert.IsType<FileTokenStore>(host.Store);
        var file = await File.ReadAllTextAsync(path);
        Assert.Contains("\"token\":\"protected:", file, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", file, StringComparison.Ordinal);
        Assert.Equal("SECRET-at-1", await host.Tokens.GetAccessTokenAsync(CancellationToken.None));
    }

    [Fact]
    public void Registers_the_token_path_once_however_often_it_is_added()
    {
        var services = new ServiceCollection();
        services.AddKeapServiceAccount(o => o.ServiceAccountKey = "KeapAK-x");
        services.AddKeapServiceAccount(o => o.ServiceAccountKey = "KeapAK-x");

        Assert.Single(services, d => d.ServiceType == typeof(IKeapAuthorization));
        Assert.Single(services, d => d.ImplementationType == typeof(Keap.ServiceAccount.Tokens.KeapTokenRefreshService));
    }

    private sealed class PrefixProtector : ITokenProtector
    {
        public string Protect(string plaintext) => "protected:" + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(plaintext));

        public string Unprotect(string protectedData) => System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(protectedData["protected:".Length..]));
    }
}
