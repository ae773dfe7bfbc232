using Keap.ServiceAccount.Tokens.Stores;

namespace Keap.ServiceAccount.Tests.Tokens.Stores;

public sealed class InMemoryTokenStoreTests : TokenStoreContract
{
    protected override ITokenStore CreateStore() => new InMemoryTokenStore(Time);
}
