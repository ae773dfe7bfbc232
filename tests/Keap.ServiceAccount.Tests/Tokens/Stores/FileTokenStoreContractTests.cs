using Keap.ServiceAccount.Tokens.Stores;

namespace Keap.ServiceAccount.Tests.Tokens.Stores;

public sealed class FileTokenStoreContractTests : DurableTokenStoreContract
{
    private readonly string _directory = Directory.CreateTempSubdirectory("keap-file-contract-").FullName;

    private string TokenPath => Path.Combine(_directory, "keap-token.json");

    protected override ITokenStore CreateStore() => new FileTokenStore(TokenPath, protector: null, Time);

    protected override Task WriteRawAsync(string raw) => File.WriteAllTextAsync(TokenPath, raw);

    protected override async Task<string?> ReadRawAsync() => await File.ReadAllTextAsync(TokenPath);

    public override Task DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }
}
