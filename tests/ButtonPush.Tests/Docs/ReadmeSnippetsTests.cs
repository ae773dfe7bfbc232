using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Keap.ServiceAccount;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ButtonPush.Tests.Docs;

/// <summary>The README's C# snippets are these compiled files, word for word, and they work.</summary>
public sealed class ReadmeSnippetsTests
{
    [Theory]
    [InlineData("KeapSync.cs")]
    public void The_README_shows_the_compiled_snippet_as_written(string file)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"ButtonPush.Tests.Docs.Snippets.{file}")!;
        var snippet = Normalize(new StreamReader(stream).ReadToEnd());

        Assert.Contains("```csharp\n" + snippet + "```", Normalize(File.ReadAllText(Readme())), StringComparison.Ordinal);
    }

    /// <summary>Every <c>Keap</c> settings block of the README names only settings that exist, with valid values.</summary>
    [Fact]
    public void The_README_settings_blocks_bind_without_unknown_keys()
    {
        var blocks = Regex.Matches(Normalize(File.ReadAllText(Readme())), "```json\n(.*?)```", RegexOptions.Singleline)
            .Select(m => m.Groups[1].Value)
            .Where(json => json.Contains("\"Keap\":", StringComparison.Ordinal))
            .ToList();
        Assert.True(blocks.Count >= 3, $"only {blocks.Count} Keap settings blocks found");

        foreach (var json in blocks)
        {
            using var stream = new MemoryStream(Encoding.UTF8.GetBytes(json));
            // A key completes the blocks that show one group alone; the OAuth blocks keep their own credentials.
            var section = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["Keap:ServiceAccountKey"] = "KeapAK-readme" })
                .AddJsonStream(stream)
                .Build()
                .GetSection("Keap");

            // A renamed or misspelt key would otherwise be ignored without a word. Keap:Hooks is bound apart, by
            // AddHooks (KeapHookOptions) and AddHookReceiver (KeapHookReceiverOptions), each taking its own keys.
            var bound = new KeapServiceAccountOptions();
            var withoutHooks = new ConfigurationBuilder()
                .AddInMemoryCollection(section.AsEnumerable().Where(kv => !kv.Key.StartsWith("Keap:Hooks", StringComparison.Ordinal)))
                .Build()
                .GetSection("Keap");
            withoutHooks.Bind(bound, o => o.ErrorOnUnknownConfiguration = true);
            var hooks = section.GetSection("Hooks");
            var hookKeys = typeof(KeapHookOptions).GetProperties().Concat(typeof(KeapHookReceiverOptions).GetProperties()).Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
            Assert.All(hooks.GetChildren(), child => Assert.Contains(child.Key, hookKeys));
            hooks.Bind(new KeapHookOptions());
            hooks.Bind(new KeapHookReceiverOptions());

            var services = new ServiceCollection();
            services.AddKeapServiceAccount(section);
            using var provider = services.BuildServiceProvider();
            Assert.NotNull(provider.GetRequiredService<IOptions<KeapServiceAccountOptions>>().Value);
        }
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);

    private static string Readme()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Keap.ServiceAccount.sln")))
            {
                return Path.Combine(folder.FullName, "README.md");
            }
        }

        throw new InvalidOperationException("No repository root above the test output.");
    }
}
