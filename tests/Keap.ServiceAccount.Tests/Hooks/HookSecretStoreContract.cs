using Keap.ServiceAccount.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Keap.ServiceAccount.Tests.Hooks;

/// <summary>
/// What every built-in path-secret store must do, each resolved the way an application gets it: from
/// <c>AddKeapServiceAccount</c> with the matching token store. A durable store is shared by separate containers (as by
/// separate processes); the in-memory one by the callers of one container.
/// </summary>
public abstract class HookSecretStoreContract : IAsyncLifetime
{
    private readonly List<ServiceProvider> _containers = [];

    protected virtual bool Durable => true;

    protected abstract void UseTokenStore(KeapServiceAccountBuilder keap);

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync()
    {
        foreach (var container in _containers)
        {
            container.Dispose();
        }

        return Task.CompletedTask;
    }

    protected IKeapHookSecretStore CreateStore(Action<KeapServiceAccountBuilder>? more = null)
    {
        var services = new ServiceCollection();
        var keap = services.AddKeapServiceAccount(_ => { });
        UseTokenStore(keap);
        more?.Invoke(keap);
        var container = services.BuildServiceProvider();
        _containers.Add(container);
        return container.GetRequiredService<IKeapHookSecretStore>();
    }

    [StoreFact]
    public async Task The_secret_is_url_safe_text_of_at_least_128_random_bits()
    {
        var secret = await CreateStore().GetOrCreateAsync();

        Assert.Matches("^[A-Za-z0-9_-]{22,}$", secret);
        Assert.True(secret.Length * 6 >= 128);
    }

    [StoreFact]
    public async Task The_secret_once_made_stays_the_same_for_every_reader()
    {
        var store = CreateStore();
        var first = await store.GetOrCreateAsync();

        Assert.Equal(first, await store.GetOrCreateAsync());
        if (Durable)
        {
            Assert.Equal(first, await CreateStore().GetOrCreateAsync());
        }
    }

    [StoreFact]
    public async Task Two_stores_creating_the_secret_at_once_both_return_the_one_stored()
    {
        var stores = Enumerable.Range(0, 8).Select(_ => Durable ? CreateStore() : null).ToArray();
        var shared = CreateStore();
        using var gate = new ManualResetEventSlim();

        var creators = stores.Select(store => Task.Run(async () =>
        {
            gate.Wait();
            return await (store ?? shared).GetOrCreateAsync();
        })).ToArray();
        gate.Set();
        var secrets = await Task.WhenAll(creators);

        Assert.Single(secrets.Distinct(StringComparer.Ordinal));
        if (Durable)
        {
            Assert.Equal(secrets[0], await CreateStore().GetOrCreateAsync());
        }
    }
}
