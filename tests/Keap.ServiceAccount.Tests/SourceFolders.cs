using System.Text.RegularExpressions;

namespace Keap.ServiceAccount.Tests;

/// <summary>
/// The source folder (first segment under <c>src/Keap.ServiceAccount/</c>) that declares each type of the package's
/// public namespaces (<c>Keap.ServiceAccount</c> and <c>Microsoft.Extensions.DependencyInjection</c>). Those types keep
/// one namespace for the user's sake but live in feature folders, and through them folders can use each other: so the
/// folder graph reads where they are declared, from the repository's sources.
/// </summary>
internal static partial class SourceFolders
{
    private static readonly Lazy<IReadOnlyDictionary<string, string>> Declared = new(Read);

    /// <summary>The folder declaring <paramref name="fullName"/> (namespace and name, no generic arity), or <see langword="null"/> if no source file does.</summary>
    public static string? Of(string fullName) => Declared.Value.TryGetValue(fullName, out var folder) ? folder : null;

    private static Dictionary<string, string> Read()
    {
        var package = Path.Combine(RepositoryRoot(), "src", "Keap.ServiceAccount");
        var declared = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(package, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(package, file).Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
            if (relative[0] is "bin" or "obj")
            {
                continue;
            }

            var text = File.ReadAllText(file);
            if (FileScopedNamespace().Match(text) is not { Success: true } ns)
            {
                continue;
            }

            // A file at the package's top is no folder; its types stay at the root like the namespace.
            var folder = relative.Length > 1 ? relative[0] : string.Empty;

            // Top-level declarations only: with a file-scoped namespace they start at the line's first column.
            foreach (Match match in TopLevelType().Matches(text))
            {
                var name = $"{ns.Groups["ns"].Value}.{match.Groups["name"].Value}";
                if (declared.TryGetValue(name, out var other) && other != folder)
                {
                    throw new InvalidOperationException($"{name} is declared in two folders, {other}/ and {folder}/: keep a partial type in one folder.");
                }

                declared[name] = folder;
            }
        }

        return declared;
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Keap.ServiceAccount.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("No repository root (Keap.ServiceAccount.sln) above the test output.");
    }

    [GeneratedRegex(@"^namespace\s+(?<ns>[\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex FileScopedNamespace();

    [GeneratedRegex(@"^(?:\[.*\]\s*)?(?:(?:public|internal|static|sealed|abstract|partial|readonly|ref|file)\s+)*(?:class|interface|record\s+struct|record\s+class|record|struct|enum)\s+(?<name>\w+)", RegexOptions.Multiline)]
    private static partial Regex TopLevelType();
}
