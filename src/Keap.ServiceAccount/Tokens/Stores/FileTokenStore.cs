using System.Globalization;
using System.Text;

namespace Keap.ServiceAccount.Tokens.Stores;

/// <summary>
/// Keeps the token in a JSON file. Every operation runs under an OS-exclusive lock on a sidecar
/// <c>.lock</c> file, which also holds the version; the lease lives in a <c>.lease</c> file. Writes go to a
/// temporary file that replaces the token file by rename, so a reader never sees half a token.
/// </summary>
internal sealed class FileTokenStore : ITokenStore
{
    // The OS lock is held for microseconds; waiting on real time keeps tests with a fake clock from hanging.
    private static readonly TimeSpan LockRetryDelay = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(10);
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

    public async ValueTask<StoredToken?> GetAsync(CancellationToken cancellationToken = default)
    {
        using var held = await LockAsync(cancellationToken).ConfigureAwait(false);
        var token = ReadToken();
        return token is null ? null : new StoredToken(token, held.Version);
    }

    public async ValueTask<StoredToken?> TrySaveAsync(KeapToken token, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        using var held = await LockAsync(cancellationToken).ConfigureAwait(false);

        // Reading first means a corrupt file throws here and is never overwritten.
        var existing = ReadToken();
        var current = existing is null ? StoredToken.NoVersion : held.Version;
        if (current != expectedVersion)
        {
            return null;
        }

        // The version moves first: a crash before the rename leaves the old token under a new version, which only makes stale writers re-read.
        var version = held.Advance();
        WriteAtomically(_path, TokenSerializer.Serialize(token, _protector));
        return new StoredToken(token, version);
    }

    public async ValueTask<bool> TryDeleteAsync(long expectedVersion, CancellationToken cancellationToken = default)
    {
        using var held = await LockAsync(cancellationToken).ConfigureAwait(false);
        if (!File.Exists(_path) || held.Version != expectedVersion)
        {
            return false;
        }

        // Versions never repeat, so a writer holding the deleted version cannot match a later token.
        held.Advance();
        File.Delete(_path);
        return true;
    }

    public async ValueTask<TokenLease?> TryAcquireLeaseAsync(string owner, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        using var held = await LockAsync(cancellationToken).ConfigureAwait(false);
        var now = _timeProvider.GetUtcNow();
        if (ReadLease() is { } existing && existing.ExpiresAt > now)
        {
            return null;
        }

        var lease = new TokenLease(owner, Guid.NewGuid().ToString("N"), now + duration);
        WriteAtomically(_leasePath, string.Create(
            CultureInfo.InvariantCulture,
            $"{lease.LeaseId}\n{lease.ExpiresAt.ToUnixTimeMilliseconds()}\n{lease.Owner}"));
        return lease;
    }

    public async ValueTask ReleaseLeaseAsync(TokenLease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        using var held = await LockAsync(cancellationToken).ConfigureAwait(false);
        if (ReadLease() is { } existing && existing.LeaseId == lease.LeaseId)
        {
            File.Delete(_leasePath);
        }
    }

    private KeapToken? ReadToken()
    {
        string text;
        try
        {
            text = File.ReadAllText(_path, Encoding.UTF8);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (IOException ex)
        {
            throw new TokenStoreException($"The token file {_path} cannot be read.", ex);
        }

        return TokenSerializer.Deserialize(text, _protector, $"the file {_path}");
    }

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

    private static void WriteAtomically(string path, string content)
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

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    private async Task<HeldLock> LockAsync(CancellationToken cancellationToken)
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
            try
            {
                return new HeldLock(new FileStream(_lockPath, fileOptions));
            }
            catch (IOException) when (TimeProvider.System.GetElapsedTime(started) < LockTimeout)
            {
                await Task.Delay(LockRetryDelay, TimeProvider.System, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                throw new TokenStoreException($"The lock file {_lockPath} stayed locked for {LockTimeout}.", ex);
            }
        }
    }

    /// <summary>The exclusive lock on the sidecar file, which stores the version as text.</summary>
    private sealed class HeldLock : IDisposable
    {
        private readonly FileStream _stream;

        public HeldLock(FileStream stream)
        {
            _stream = stream;
            using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
            Version = long.TryParse(reader.ReadToEnd().Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var version) ? version : StoredToken.NoVersion;
        }

        public long Version { get; private set; }

        public long Advance()
        {
            Version++;
            var bytes = Encoding.UTF8.GetBytes(Version.ToString(CultureInfo.InvariantCulture));
            _stream.SetLength(0);
            _stream.Position = 0;
            _stream.Write(bytes);
            _stream.Flush(flushToDisk: true);
            return Version;
        }

        public void Dispose() => _stream.Dispose();
    }
}
