using System.Security.Cryptography;

namespace Keap.ServiceAccount.Tokens.Stores;

/// <summary>
/// The OS-exclusive lock on the token file's sidecar <c>.lock</c> file, and whether its path still names the locked file.
/// On Unix the lock belongs to the file, not its path: if someone deletes the file while it is held, the next process
/// creates a new one and is granted the lock too. So each holder stamps its lock file with a random write time and,
/// right before every write, checks that the path still shows that stamp (<see cref="EnsureHeld"/>).
/// </summary>
internal sealed class FileLock : IDisposable
{
    // The OS lock is held for microseconds; waiting on real time keeps tests with a fake clock from hanging.
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly long StampBase = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

    private readonly FileStream _stream;
    private readonly string _path;

    private FileLock(FileStream stream, string path)
    {
        _stream = stream;
        _path = path;
    }

    /// <summary>Locks <paramref name="lockPath"/> (beside <paramref name="tokenPath"/>), waiting up to 10 seconds of real time.</summary>
    /// <exception cref="TokenStoreException">The lock file stayed locked, or kept being replaced, for that long.</exception>
    public static async Task<FileLock> AcquireAsync(string tokenPath, string lockPath, string operation, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(tokenPath)!);
        var fileOptions = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = FileTokenStore.OwnerOnly;
        }

        var started = TimeProvider.System.GetTimestamp();
        while (true)
        {
            FileStream? stream = null;
            try
            {
                // The lock file only locks: its content is never read, so deleting or damaging it loses nothing.
                stream = new FileStream(lockPath, fileOptions);
                var held = new FileLock(stream, lockPath);
                if (held.Stamp())
                {
                    return held;
                }

                // Deleted or replaced between opening and locking: this lock is on a file nobody else will open.
                throw new IOException($"The lock file {lockPath} was replaced while it was being locked.");
            }
            catch (IOException) when (TimeProvider.System.GetElapsedTime(started) < Timeout)
            {
                stream?.Dispose();
                await Task.Delay(RetryDelay, TimeProvider.System, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                stream?.Dispose();
                throw new TokenStoreException($"The file token store could not {operation}: the lock file {lockPath} stayed locked (or kept being replaced) for {Timeout}.", ex);
            }
        }
    }

    /// <summary>Throws <see cref="LostException"/> when the path no longer names the locked file: it was deleted (and maybe created anew).</summary>
    public void EnsureHeld()
    {
        if (!IsCurrent())
        {
            throw new LostException();
        }
    }

    public void Dispose() => _stream.Dispose();

    /// <summary>Gives the locked file a random write time (another holder's file gets another); false if the path no longer names it.</summary>
    private bool Stamp()
    {
        // About 3.5 years of 100 ns ticks: two holders' stamps match with negligible odds, even on coarse file systems.
        var ticks = ((long)RandomNumberGenerator.GetInt32(1 << 30) << 20) | (long)RandomNumberGenerator.GetInt32(1 << 20);
        File.SetLastWriteTimeUtc(_stream.SafeFileHandle, new DateTime(StampBase + ticks, DateTimeKind.Utc));
        return IsCurrent();
    }

    // Compared with what the file system kept of the stamp, so a coarse timestamp resolution does not matter.
    private bool IsCurrent() => File.GetLastWriteTimeUtc(_path) == File.GetLastWriteTimeUtc(_stream.SafeFileHandle);

    /// <summary>The lock file was deleted or replaced while held; thrown before anything is written.</summary>
    internal sealed class LostException : Exception
    {
        public LostException()
            : base("The lock file was deleted or replaced while held.")
        {
        }

        public LostException(string message)
            : base(message)
        {
        }

        public LostException(string message, Exception innerException)
            : base(message, innerException)
        {
        }
    }
}
