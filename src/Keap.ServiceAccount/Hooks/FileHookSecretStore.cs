using System.Text;
using Keap.ServiceAccount.Tokens.Stores;

namespace Keap.ServiceAccount.Hooks;

/// <summary>
/// The path secret of the file token store, in a file beside the token file (<c>{token file}.hook-secret</c>), with
/// owner-only permissions and protected like the token. It is created once: written whole to a temporary file, then
/// moved into place only if no secret file exists yet, so two processes creating it at once both read the first one.
/// A file that cannot be read is reported and never replaced. The file is read on every call (the callers keep the
/// secret in memory and ask at most once a minute), so a secret deleted to rotate it is replaced at the next read.
/// </summary>
internal sealed class FileHookSecretStore(string path, ITokenProtector? protector) : IKeapHookSecretStore
{
    private readonly string _path = Path.GetFullPath(path);

    public static FileHookSecretStore Beside(FileTokenStore tokens) => new(tokens.FilePath + ".hook-secret", tokens.Protector);

    public ValueTask<string> GetOrCreateAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            return ValueTask.FromResult(Read() ?? Create());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new TokenStoreException($"The REST hook path secret in {Source} could not be read or created ({ex.GetType().Name}).", ex);
        }
    }

    private string Source => $"the file {_path}";

    private string? Read()
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

        return HookSecret.Unprotect(text, protector, Source);
    }

    private string Create()
    {
        var temp = $"{_path}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = FileTokenStore.OwnerOnly;
        }

        var secret = HookSecret.New();
        try
        {
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(Encoding.UTF8.GetBytes(HookSecret.Protect(secret, protector)));
                stream.Flush(flushToDisk: true);
            }

            // Without overwrite the move fails when another process put its secret there first: read that one.
            File.Move(temp, _path, overwrite: false);
            return secret;
        }
        catch (IOException) when (File.Exists(_path))
        {
            return Read() ?? throw new TokenStoreException($"The REST hook path secret in {Source} vanished while it was being created.");
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
