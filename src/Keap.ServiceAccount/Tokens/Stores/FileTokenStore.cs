using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Keap.ServiceAccount.Tokens.Stores;

/// <summary>
/// Keeps the token in a JSON file. Every operation runs under <see cref="FileLock"/>, an OS-exclusive lock on a sidecar
/// <c>.lock</c> file; the lease lives in a <c>.lease</c> file. The token file (<see cref="FileDocument"/>) holds the
/// version beside the token and is replaced as a whole (temporary file, then rename), so a crash leaves either the old
/// version and token or the new ones, never a version without its token. A disconnect writes a file with the version
/// and no token, so versions never restart.
/// </summary>
internal sealed class FileTokenStore : ITokenStore
{
    private const int MaxLostLockAttempts = 10;
    internal const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

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

    /// <summary>The token file's full path; other files the application keeps beside the token are named after it.</summary>
    internal string FilePath => _path;

    /// <summary>The protector of the token, if any; files kept beside the token are protected with it too.</summary>
    internal ITokenProtector? Protector => _protector;

    /// <summary>
    /// Runs <paramref name="work"/> on a file kept beside the token, under the token file's lock: the one place where
    /// processes sharing the token agree on what is there. <paramref name="work"/> writes with <see cref="WriteAtomically"/>.
    /// </summary>
    internal ValueTask<T> RunBesideAsync<T>(string operation, Func<FileLock, T> work, CancellationToken cancellationToken) =>
        RunAsync(operation, work, cancellationToken);

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
    private async ValueTask<T> RunAsync<T>(string operation, Func<FileLock, T> work, CancellationToken cancellationToken)
    {
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                using var held = await FileLock.AcquireAsync(_path, _lockPath, operation, cancellationToken).ConfigureAwait(false);
                try
                {
                    return work(held);
                }
                catch (FileLock.LostException) when (attempt < MaxLostLockAttempts)
                {
                    // Nothing was written: what this attempt read may be stale, so read again under a new lock.
                }
                catch (FileLock.LostException ex)
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

    private void WriteFile(FileLock held, long version, string? token) =>
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

    /// <summary>Replaces <paramref name="path"/> as a whole (temporary file, then rename), only while <paramref name="held"/> is still held.</summary>
    internal static void WriteAtomically(FileLock held, string path, string content)
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

    private sealed record TokenFile(long LastVersion, StoredToken? Stored);
}
