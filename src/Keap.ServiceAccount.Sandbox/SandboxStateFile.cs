using System.Text.Json;
using System.Text.Json.Nodes;
using Keap.ServiceAccount.Sandbox.OAuth;
using Microsoft.Extensions.Options;

namespace Keap.ServiceAccount.Sandbox;

/// <summary>
/// Keeps the sandbox's data and OAuth grants in <see cref="KeapSandboxOptions.StateFile"/>: loaded when the sandbox is
/// mapped, saved whole after each request that may have changed it. A save writes a temporary file and renames it
/// over the old one, so a crash leaves either the old state or the new one, never half of either.
/// </summary>
internal sealed class SandboxStateFile
{
    private const int Format = 1;
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    private readonly Lock _writeGate = new();
    private readonly KeapSandboxState _state;
    private readonly SandboxTokens _tokens;

    public SandboxStateFile(IOptions<KeapSandboxOptions> options, KeapSandboxState state, SandboxTokens tokens)
    {
        Path = options.Value.StateFile is { Length: > 0 } file ? System.IO.Path.GetFullPath(file) : null;
        _state = state;
        _tokens = tokens;
        state.Changed += Save;
    }

    /// <summary>The full path of the file, or <see langword="null"/> when the sandbox keeps its state in memory only.</summary>
    public string? Path { get; }

    /// <summary>Replaces the in-memory state with the file's, if the file exists.</summary>
    /// <exception cref="InvalidOperationException">The file exists but is not a sandbox state file this version can read.</exception>
    public void Load()
    {
        if (Path is null || !File.Exists(Path))
        {
            return;
        }

        Contents contents;
        try
        {
            contents = JsonSerializer.Deserialize<Contents>(File.ReadAllBytes(Path), Json)
                ?? throw new JsonException("The file holds null.");
        }
        catch (JsonException ex)
        {
            throw Unreadable(ex.Message, ex);
        }

        if (contents.Format != Format || contents.Data is null || contents.Grants is null)
        {
            throw Unreadable($"expected format {Format} with data and grants", null);
        }

        if (SandboxHook.Problem(contents.Data.Hooks) is { } hooks)
        {
            throw Unreadable(hooks, null);
        }

        lock (_state.Gate)
        {
            _state.Data = contents.Data;
        }

        _tokens.Restore(contents.Grants);
    }

    /// <summary>Writes the current state to the file; does nothing without one.</summary>
    public void Save()
    {
        if (Path is null)
        {
            return;
        }

        // The snapshot is taken inside the write gate, so a later save always carries a later state.
        lock (_writeGate)
        {
            JsonNode? data;
            lock (_state.Gate)
            {
                data = JsonSerializer.SerializeToNode(_state.Data, Json);
            }

            var bytes = JsonSerializer.SerializeToUtf8Bytes(new JsonObject
            {
                ["Format"] = Format,
                ["Data"] = data,
                ["Grants"] = JsonSerializer.SerializeToNode(_tokens.Snapshot(), Json),
            }, Json);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            var temp = $"{Path}.{Guid.NewGuid():N}.tmp";
            try
            {
                var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                {
                    fileOptions.UnixCreateMode = OwnerOnly;
                }

                using (var stream = new FileStream(temp, fileOptions))
                {
                    stream.Write(bytes);
                    stream.Flush(flushToDisk: true);
                }

                File.Move(temp, Path, overwrite: true);
            }
            finally
            {
                File.Delete(temp);
            }
        }
    }

    private InvalidOperationException Unreadable(string reason, Exception? inner) =>
        new($"The Keap sandbox state file '{Path}' could not be read ({reason}). Delete it to start with an empty sandbox.", inner);

    private sealed record Contents(int Format, SandboxData? Data, SandboxGrants? Grants);
}
