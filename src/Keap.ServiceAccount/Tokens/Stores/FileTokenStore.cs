using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Keap.ServiceAccount.Tokens.Stores;

/// <summary>
/// Keeps the token in a JSON file. Every operation runs under an OS-exclusive lock on a sidecar <c>.lock</c> file;
/// the lease lives in a <c>.lease</c> file. The token file holds the version beside the token and is replaced as a
/// whole (temporary file, then rename), so a crash leaves either the old version and token or the new ones, never a
/// version without its token. A disconnect writes a file with the version and no token, so versions never restart.
/// On Unix the lock belongs to the lock file, not its path: if someone deletes the file while it is held, the next
/// process creates a new one and is granted the lock too. So each holder stamps its lock file with a random write time
/// and, right before every write, checks that the path still shows that stamp; if not, it writes nothing and starts over.
/// </summary>
internal sealed class FileTokenStore : ITokenStore
{
    // The OS lock is held for microseconds; waiting on real time keeps tests with a fake clock from hanging.
    private static readonly TimeSpan LockRetryDelay = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(10);
    private const int MaxLostLockAttempts = 10;
    private static readonly long StampBase = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly string _path;
    private readonly string _lockPath;
    private readonly string _leasePath;
    private readonly ITokenProtector? _protector;
    private readonly TimeProvider _timeProvider;

    public FileTokenStore(string path, ITokenProtector? protector, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _path = Path.GetFullPath(path);
        _lockPath = _path + ".lock";
        _leasePath = _path + ".lease";
        _protector = protector;
        _timeProvider = timeProvider;
    }

    public ValueTask<StoredToken?> GetAsync(CancellationToken cancellationToken = default) =>
        RunAsync("read the token", _ => ReadFile().Stored, cancellationToken);

    public ValueTask<StoredToken?> TrySaveAsync(KeapToken token, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        return RunAsync("save the token", held =>
        {
            // Reading first means a corrupt file throws here and is never overwritten.
            var file = ReadFile();
            if ((file.Stored?.Version ?? StoredToken.NoVersion) != expectedVersion)
            {
                return null;
            }

            var version = file.LastVersion + 1;
            WriteFile(held, version, TokenSerializer.Serialize(token, _protector));
            return new StoredToken(token, version);
        }, cancellationToken);
    }

    public ValueTask<StoredToken?> TryMarkRefusedAsync(long expectedVersion, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return RunAsync("record the refused refresh token", held =>
        {
            var file = ReadFile();
            if (file.Stored is not { } stored || stored.Version != expectedVersion)
            {
                return null;
            }

            var version = file.LastVersion + 1;
            WriteFile(held, version, TokenSerializer.Serialize(stored.Token, _protector, reason));
            return new StoredToken(stored.Token, version) { Refusal = reason };
        }, cancellationToken);
    }

    public ValueTask<bool> TryDeleteAsync(long expectedVersion, CancellationToken cancellationToken = default) =>
        RunAsync("delete the token", held =>
        {
            var file = ReadFile();
            if (file.Stored is null || file.Stored.Version != expectedVersion)
            {
                return false;
            }

            // The version stays in the file, so a writer holding the deleted version cannot match a later token.
            WriteFile(held, file.LastVersion + 1, token: null);
            return true;
        }, cancellationToken);

    public ValueTask<TokenLease?> TryAcquireLeaseAsync(string owner, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        return RunAsync("take the refresh lease", held =>
        {
            var now = _timeProvider.GetUtcNow();
            if (ReadLease() is { } existing && existing.ExpiresAt > now)
            {
                return null;
            }

            var lease = new TokenLease(owner, Guid.NewGuid().ToString("N"), now + duration);
            WriteAtomically(held, _leasePath, string.Create(
                CultureInfo.InvariantCulture,
                $"{lease.LeaseId}\n{lease.ExpiresAt.ToUnixTimeMilliseconds()}\n{lease.Owner}"));
            return lease;
        }, cancellationToken);
    }

    public async ValueTask ReleaseLeaseAsync(TokenLease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        await RunAsync("release the refresh lease", held =>
        {
            if (ReadLease() is { } existing && existing.LeaseId == lease.LeaseId)
            {
                held.EnsureHeld();
                File.Delete(_leasePath);
            }

            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs <paramref name="work"/> under the lock, again from the start if the lock was lost before it wrote; every
    /// file-system failure becomes a <see cref="TokenStoreException"/> naming <paramref name="operation"/>.
    /// </summary>
    private async ValueTask<T> RunAsync<T>(string operation, Func<HeldLock, T> work, CancellationToken cancellationToken)
    {
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                using var held = await LockAsync(operation, cancellationToken).ConfigureAwait(false);
                try
                {
                    return work(held);
                }
                catch (LockLostException) when (attempt < MaxLostLockAttempts)
                {
                    // Nothing was written: what this attempt read may be stale, so read again under a new lock.
                }
                catch (LockLostException ex)
                {
                    throw new TokenStoreException($"The file token store could not {operation}: the lock file {_lockPath} was deleted or replaced {MaxLostLockAttempts} times while held.", ex);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.SecurityException)
        {
            throw new TokenStoreException($"The file token store could not {operation} ({_path}): {ex.GetType().Name}.", ex);
        }
    }

    private TokenFile ReadFile()
    {
        string text;
        try
        {
            text = File.ReadAllText(_path, Encoding.UTF8);
        }
        catch (FileNotFoundException)
        {
            return new TokenFile(StoredToken.NoVersion, null);
        }

        var source = $"the file {_path}";
        FileDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(text, FileDocumentContext.Default.FileDocument);
        }
        catch (JsonException ex)
        {
            // The JsonException message may quote the payload, which holds secrets: report the position only.
            throw new TokenStoreException(
                $"The token stored in {source} is not valid JSON (line {ex.LineNumber}, byte {ex.BytePositionInLine}). It was left as it is; fix or delete it and connect again.");
        }

        // A version that cannot be read is never taken as 0: that would let a stale writer's compare-and-swap match again.
        if (document is null || document.Version is not > StoredToken.NoVersion)
        {
            throw new TokenStoreException($"The token stored in {source} has no readable version. It was left as it is; fix or delete it and connect again.");
        }

        var version = document.Version.Value;
        return new TokenFile(version, document.Token is null ? null : TokenSerializer.Deserialize(document.Token, _protector, source, version));
    }

    private void WriteFile(HeldLock held, long version, string? token) =>
        WriteAtomically(held, _path, JsonSerializer.Serialize(new FileDocument(version, token), FileDocumentContext.Default.FileDocument));

    private TokenLease? ReadLease()
    {
        if (!File.Exists(_leasePath))
        {
            return null;
        }

        var parts = File.ReadAllText(_leasePath, Encoding.UTF8).Split('\n', 3);

        // An unreadable lease (a crash mid-write cannot happen with rename, but a hand edit can) counts as lapsed.
        return parts.Length == 3 && long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms)
            ? new TokenLease(parts[2], parts[0], DateTimeOffset.FromUnixTimeMilliseconds(ms))
            : null;
    }

    private static void WriteAtomically(HeldLock held, string path, string content)
    {
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = OwnerOnly;
        }

        try
        {
            using (var stream = new FileStream(temp, fileOptions))
            using (var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)))
            {
                writer.Write(content);
                writer.Flush();
                stream.Flush(flushToDisk: true);
            }

            held.EnsureHeld();
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    private async Task<HeldLock> LockAsync(string operation, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        var fileOptions = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = OwnerOnly;
        }

        var started = TimeProvider.System.GetTimestamp();
        while (true)
        {
            FileStream? stream = null;
            try
            {
                // The lock file only locks: its content is never read, so deleting or damaging it loses nothing.
                stream = new FileStream(_lockPath, fileOptions);
                var held = new HeldLock(stream, _lockPath);
                if (held.Stamp())
                {
                    return held;
                }

                // Deleted or replaced between opening and locking: this lock is on a file nobody else will open.
                throw new IOException($"The lock file {_lockPath} was replaced while it was being locked.");
            }
            catch (IOException) when (TimeProvider.System.GetElapsedTime(started) < LockTimeout)
            {
                stream?.Dispose();
                await Task.Delay(LockRetryDelay, TimeProvider.System, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                stream?.Dispose();
                throw new TokenStoreException($"The file token store could not {operation}: the lock file {_lockPath} stayed locked (or kept being replaced) for {LockTimeout}.", ex);
            }
        }
    }

    private sealed record TokenFile(long LastVersion, StoredToken? Stored);

    /// <summary>The open, locked lock file, and whether its path still names it.</summary>
    private sealed class HeldLock(FileStream stream, string path) : IDisposable
    {
        /// <summary>Gives the locked file a random write time (another holder's file gets another); false if the path no longer names it.</summary>
        public bool Stamp()
        {
            // About 3.5 years of 100 ns ticks: two holders' stamps match with negligible odds, even on coarse file systems.
            var ticks = ((long)RandomNumberGenerator.GetInt32(1 << 30) << 20) | (long)RandomNumberGenerator.GetInt32(1 << 20);
            File.SetLastWriteTimeUtc(stream.SafeFileHandle, new DateTime(StampBase + ticks, DateTimeKind.Utc));
            return IsCurrent();
        }

        /// <summary>Throws <see cref="LockLostException"/> when the path no longer names the locked file: it was deleted (and maybe created anew).</summary>
        public void EnsureHeld()
        {
            if (!IsCurrent())
            {
                throw new LockLostException();
            }
        }

        public void Dispose() => stream.Dispose();

        // Compared with what the file system kept of the stamp, so a coarse timestamp resolution does not matter.
        private bool IsCurrent() => File.GetLastWriteTimeUtc(path) == File.GetLastWriteTimeUtc(stream.SafeFileHandle);
    }

    /// <summary>The lock file was deleted or replaced while held; thrown before anything is written.</summary>
    private sealed class LockLostException : Exception
    {
        public LockLostException()
            : base("The lock file was deleted or replaced while held.")
        {
        }

        public LockLostException(string message)
            : base(message)
        {
        }

        public LockLostException(string message, Exception innerException)
            : base(message, innerException)
        {
        }
    }
}

/// <summary>The token file: the version and the (optionally protected) <see cref="TokenSerializer"/> document, or no token after a disconnect.</summary>
internal sealed record FileDocument(long? Version, string? Token)
{
    /// <summary>Names the version and whether a token is present, never the token document (it may be unprotected).</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"FileDocument {{ Version = {Version}, HasToken = {Token is not null} }}");
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(FileDocument))]
internal sealed partial class FileDocumentContext : JsonSerializerContext;
