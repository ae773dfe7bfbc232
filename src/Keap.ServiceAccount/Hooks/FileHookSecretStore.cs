using System.Text;
using Keap.ServiceAccount.Tokens.Stores;

namespace Keap.ServiceAccount.Hooks;

/// <summary>
/// The path secret of the file token store, in a file beside the token file (<c>{token file}.hook-secret</c>), with
/// owner-only permissions and protected like the token. It is created under the token file's lock, after reading again
/// that no secret is there, and written whole (temporary file, then rename): processes creating it at once all return
/// the one secret stored. (A rename that refuses to overwrite is no guard on Unix: .NET checks, then renames.) A file
/// that cannot be read is reported and never replaced. The file is read on every call (the callers keep the secret in
/// memory and ask at most once a minute), so a secret deleted to rotate it is replaced at the next read.
/// </summary>
internal sealed class FileHookSecretStore(FileTokenStore tokens) : IKeapHookSecretStore
{
    private readonly string _path = tokens.FilePath + ".hook-secret";

    public async ValueTask<string> GetOrCreateAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            // The secret exists on every call but the first: read it without taking the lock.
            if (Read() is { } stored)
            {
                return stored;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new TokenStoreException($"The REST hook path secret in {Source} could not be read ({ex.GetType().Name}).", ex);
        }

        return await tokens.RunBesideAsync("read or create the REST hook path secret", held => Read() ?? Create(held), cancellationToken)
            .ConfigureAwait(false);
    }

    private string Source => $"the file {_path}";

    private string? Read()
    {
        string text;
        try
        {
            text = File.ReadAllText(_path, Encoding.UTF8);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            // No directory yet is no secret yet: taking the lock creates the directory, as the token store's first use does.
            return null;
        }

        return HookSecret.Unprotect(text, tokens.Protector, Source);
    }

    private string Create(FileLock held)
    {
        var secret = HookSecret.New();
        FileTokenStore.WriteAtomically(held, _path, HookSecret.Protect(secret, tokens.Protector));
        return secret;
    }
}
