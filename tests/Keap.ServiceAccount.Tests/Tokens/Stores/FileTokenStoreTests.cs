using Keap.ServiceAccount.Tokens.Stores;
using Microsoft.Extensions.Time.Testing;

namespace Keap.ServiceAccount.Tests.Tokens.Stores;

public sealed class FileTokenStoreTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("keap-file-store-").FullName;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private string TokenPath => Path.Combine(_directory, "keap-token.json");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Round_trips_a_token_with_growing_versions_and_compare_and_swap()
    {
        var store = new FileTokenStore(TokenPath, protector: null, _clock);
        Assert.Null(await store.GetAsync());

        var first = await store.TrySaveAsync(Token("a"), StoredToken.NoVersion);
        var stale = await store.TrySaveAsync(Token("b"), StoredToken.NoVersion);
        var second = await store.TrySaveAsync(Token("c"), first!.Version);

        Assert.Null(stale);
        Assert.True(second!.Version > first.Version);
        var read = await new FileTokenStore(TokenPath, protector: null, _clock).GetAsync();
        Assert.Equal("access-c", read!.Token.AccessToken);
        Assert.Equal(second.Version, read.Version);
        Assert.Empty(Directory.GetFiles(_directory, "*.tmp"));
    }

    [Fact]
    public async Task Deletes_only_the_expected_version_and_never_reuses_a_version()
    {
        var store = new FileTokenStore(TokenPath, protector: null, _clock);
        var saved = await store.TrySaveAsync(Token("a"), StoredToken.NoVersion);

        Assert.False(await store.TryDeleteAsync(saved!.Version + 1));
        Assert.True(await store.TryDeleteAsync(saved.Version));
        Assert.Null(await store.GetAsync());
        Assert.Null(await store.TrySaveAsync(Token("b"), saved.Version));
        Assert.NotNull(await store.TrySaveAsync(Token("b"), StoredToken.NoVersion));
    }

    [Fact]
    public async Task Writes_the_token_file_readable_by_its_owner_only()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var store = new FileTokenStore(TokenPath, protector: null, _clock);
        await store.TrySaveAsync(Token("a"), StoredToken.NoVersion);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(TokenPath));
    }

    [Fact]
    public async Task Reports_a_corrupt_file_and_leaves_its_bytes_unchanged()
    {
        var store = new FileTokenStore(TokenPath, protector: null, _clock);
        await store.TrySaveAsync(Token("a"), StoredToken.NoVersion);
        var corrupt = "{\"format\":1,\"access_token\":\"SECRET-half"u8.ToArray();
        await File.WriteAllBytesAsync(TokenPath, corrupt);

        var read = await Assert.ThrowsAsync<TokenStoreException>(() => store.GetAsync().AsTask());
        var write = await Assert.ThrowsAsync<TokenStoreException>(() => store.TrySaveAsync(Token("b"), 1).AsTask());

        Assert.Contains(TokenPath, read.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", read.ToString() + write, StringComparison.Ordinal);
        Assert.Equal(corrupt, await File.ReadAllBytesAsync(TokenPath));
    }

    [Fact]
    public async Task Grants_the_lease_to_one_owner_until_it_is_released_or_expires()
    {
        var one = new FileTokenStore(TokenPath, protector: null, _clock);
        var two = new FileTokenStore(TokenPath, protector: null, _clock);

        var lease = await one.TryAcquireLeaseAsync("one", TimeSpan.FromSeconds(60));
        Assert.NotNull(lease);
        Assert.Null(await two.TryAcquireLeaseAsync("two", TimeSpan.FromSeconds(60)));

        await two.ReleaseLeaseAsync(new TokenLease("two", "not-the-lease", lease.ExpiresAt));
        Assert.Null(await two.TryAcquireLeaseAsync("two", TimeSpan.FromSeconds(60)));

        await one.ReleaseLeaseAsync(lease);
        var second = await two.TryAcquireLeaseAsync("two", TimeSpan.FromSeconds(60));
        Assert.NotNull(second);

        _clock.Advance(TimeSpan.FromSeconds(61));
        Assert.NotNull(await one.TryAcquireLeaseAsync("one", TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public async Task Passes_the_document_through_the_protector()
    {
        var protector = new ReversingProtector();
        var store = new FileTokenStore(TokenPath, protector, _clock);
        await store.TrySaveAsync(Token("a"), StoredToken.NoVersion);

        Assert.DoesNotContain("access-a", await File.ReadAllTextAsync(TokenPath), StringComparison.Ordinal);
        Assert.Equal("access-a", (await store.GetAsync())!.Token.AccessToken);
        await Assert.ThrowsAsync<TokenStoreException>(() => new FileTokenStore(TokenPath, protector: null, _clock).GetAsync().AsTask());
    }

    [Fact]
    public async Task Keeps_concurrent_writers_consistent()
    {
        var stores = Enumerable.Range(0, 8).Select(_ => new FileTokenStore(TokenPath, protector: null, _clock)).ToArray();
        await stores[0].TrySaveAsync(Token("start"), StoredToken.NoVersion);

        var wins = await Task.WhenAll(stores.Select(s => Task.Run(async () =>
        {
            var current = await s.GetAsync();
            return await s.TrySaveAsync(Token("x"), current!.Version) is not null;
        })));

        var final = await stores[0].GetAsync();
        Assert.InRange(wins.Count(w => w), 1, 8);
        Assert.Equal(1 + wins.Count(w => w), final!.Version);
    }

    [Theory]
    [InlineData("deleted")]
    [InlineData("emptied")]
    [InlineData("garbled")]
    public async Task Keeps_the_version_when_the_lock_file_is_lost_so_a_stale_writer_can_never_match_again(string damage)
    {
        var store = new FileTokenStore(TokenPath, protector: null, _clock);
        var first = await store.TrySaveAsync(Token("a"), StoredToken.NoVersion);
        var second = await store.TrySaveAsync(Token("b"), first!.Version);
        var lockPath = TokenPath + ".lock";

        // A crash while the sidecar was rewritten, or someone cleaning up, leaves it empty, damaged or gone.
        switch (damage)
        {
            case "deleted":
                File.Delete(lockPath);
                break;
            case "emptied":
                await File.WriteAllTextAsync(lockPath, string.Empty);
                break;
            default:
                await File.WriteAllTextAsync(lockPath, "\u0000garbage");
                break;
        }

        var read = await new FileTokenStore(TokenPath, protector: null, _clock).GetAsync();
        Assert.Equal(second!.Version, read!.Version);
        Assert.Null(await store.TrySaveAsync(Token("stale-first"), StoredToken.NoVersion));
        Assert.Null(await store.TrySaveAsync(Token("stale"), first.Version));
        var third = await store.TrySaveAsync(Token("c"), second.Version);
        Assert.Equal(second.Version + 1, third!.Version);
    }

    [Fact]
    public async Task A_writer_whose_lock_file_was_deleted_while_it_held_it_does_not_write_over_the_next_holder()
    {
        // Windows refuses to delete a file opened without delete sharing, so only Unix can lose the lock this way.
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var protector = new PausingProtector();
        var holder = new FileTokenStore(TokenPath, protector, _clock);
        var next = new FileTokenStore(TokenPath, protector, _clock);
        var first = await holder.TrySaveAsync(Token("first"), StoredToken.NoVersion);

        // The holder has read version 1 under the lock and is about to write when someone deletes the lock file.
        protector.PauseNext();
        var held = Task.Run(() => holder.TrySaveAsync(Token("holder"), first!.Version).AsTask());
        await protector.Paused.WaitAsync(TimeSpan.FromSeconds(30));
        File.Delete(TokenPath + ".lock");

        // A second writer creates a new lock file, so its advisory lock is granted while the holder still runs.
        var saved = await next.TrySaveAsync(Token("next"), first!.Version);
        protector.Resume();
        var stale = await held.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.NotNull(saved);
        Assert.Null(stale);
        var read = await new FileTokenStore(TokenPath, protector, _clock).GetAsync();
        Assert.Equal(saved!.Version, read!.Version);
        Assert.Equal("access-next", read.Token.AccessToken);
    }

    [Fact]
    public async Task Keeps_counting_versions_after_a_disconnect_even_without_the_lock_file()
    {
        var store = new FileTokenStore(TokenPath, protector: null, _clock);
        var first = await store.TrySaveAsync(Token("a"), StoredToken.NoVersion);
        Assert.True(await store.TryDeleteAsync(first!.Version));
        File.Delete(TokenPath + ".lock");

        var again = await store.TrySaveAsync(Token("again"), StoredToken.NoVersion);

        Assert.True(again!.Version > first.Version);
        Assert.False(await store.TryDeleteAsync(first.Version));
    }

    [Fact]
    public async Task Reports_an_unreadable_version_instead_of_starting_again_at_zero()
    {
        var store = new FileTokenStore(TokenPath, protector: null, _clock);
        await store.TrySaveAsync(Token("a"), StoredToken.NoVersion);
        var text = await File.ReadAllTextAsync(TokenPath);
        await File.WriteAllTextAsync(TokenPath, text.Replace("\"version\":1", "\"version\":\"one\"", StringComparison.Ordinal));

        await Assert.ThrowsAsync<TokenStoreException>(() => store.GetAsync().AsTask());
        await Assert.ThrowsAsync<TokenStoreException>(() => store.TrySaveAsync(Token("b"), StoredToken.NoVersion).AsTask());
    }

    [Fact]
    public async Task Reports_a_file_system_failure_as_a_TokenStoreException_naming_the_operation()
    {
        // The directory cannot exist: a regular file stands where it should be.
        var blocker = Path.Combine(_directory, "not-a-directory");
        await File.WriteAllTextAsync(blocker, "x");
        var store = new FileTokenStore(Path.Combine(blocker, "keap-token.json"), protector: null, _clock);

        var read = await Assert.ThrowsAsync<TokenStoreException>(() => store.GetAsync().AsTask());
        var lease = await Assert.ThrowsAsync<TokenStoreException>(() => store.TryAcquireLeaseAsync("owner", TimeSpan.FromSeconds(60)).AsTask());

        Assert.Contains("could not read the token", read.Message, StringComparison.Ordinal);
        Assert.Contains("could not take the refresh lease", lease.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<IOException>(read.InnerException);
    }

    private KeapToken Token(string name) =>
        new($"access-{name}", $"refresh-{name}", _clock.GetUtcNow().AddDays(1), _clock.GetUtcNow(), "full|ab123.infusionsoft.com");

    private sealed class ReversingProtector : ITokenProtector
    {
        public string Protect(string plaintext) => "p:" + new string(plaintext.Reverse().ToArray());

        public string Unprotect(string protectedData) =>
            protectedData.StartsWith("p:", StringComparison.Ordinal) ? new string(protectedData[2..].Reverse().ToArray()) : throw new System.Security.Cryptography.CryptographicException("not protected");
    }

    /// <summary>Passes the document through unchanged; after <see cref="PauseNext"/>, the next write waits for <see cref="Resume"/> (once).</summary>
    private sealed class PausingProtector : ITokenProtector
    {
        private readonly TaskCompletionSource _paused = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _resume = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _pauseNext;

        public Task Paused => _paused.Task;

        public void PauseNext() => Volatile.Write(ref _pauseNext, 1);

        public void Resume() => _resume.TrySetResult();

        public string Protect(string plaintext)
        {
            if (Interlocked.Exchange(ref _pauseNext, 0) == 1)
            {
                _paused.TrySetResult();
                // Protect is synchronous: the writer's thread waits here, inside the store's lock.
                _resume.Task.Wait(TimeSpan.FromSeconds(30));
            }

            return plaintext;
        }

        public string Unprotect(string protectedData) => protectedData;
    }
}
