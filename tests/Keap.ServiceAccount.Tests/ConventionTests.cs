using System.Reflection;

namespace Keap.ServiceAccount.Tests;

public sealed class ConventionTests : PackageConventionTests
{
    protected override Assembly Package { get; } = typeof(KeapToken).Assembly;

    [Fact]
    public void No_class_of_the_package_or_the_sandbox_holds_more_than_twelve_fields()
    {
        // A class with more state than this has two reasons to change: split it along its seams. Only instance state
        // counts; fields the compiler writes (auto-property backing fields, captured primary-constructor parameters, async
        // state) and the JSON source generator's contexts do not.
        var crowded = new[] { Package, typeof(Sandbox.KeapSandboxOptions).Assembly }
            .SelectMany(a => a.GetTypes())
            .Where(t => t.IsClass && !t.IsDefined(typeof(System.Runtime.CompilerServices.CompilerGeneratedAttribute), false)
                && !typeof(System.Text.Json.Serialization.JsonSerializerContext).IsAssignableFrom(t))
            .Select(t => (Type: t, Fields: t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                .Count(f => !f.IsLiteral && !f.IsDefined(typeof(System.Runtime.CompilerServices.CompilerGeneratedAttribute), false) && !f.Name.Contains('<', StringComparison.Ordinal))))
            .Where(x => x.Fields > 12)
            .Select(x => $"{x.Type.FullName}: {x.Fields} fields")
            .ToList();

        Assert.Empty(crowded);
    }

    [Fact]
    public void Public_async_methods_take_a_cancellation_token_last()
    {
        var offenders = Package.GetExportedTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => typeof(Task).IsAssignableFrom(m.ReturnType)
                || m.ReturnType.Name.StartsWith("ValueTask", StringComparison.Ordinal)
                || m.ReturnType.Name.StartsWith("IAsyncEnumerable", StringComparison.Ordinal))
            .Where(m => m.GetParameters() is var p && (p.Length == 0 || p[^1].ParameterType != typeof(CancellationToken)))
            .Select(m => $"{m.DeclaringType!.Name}.{m.Name}")
            .ToList();

        Assert.Empty(offenders);
    }

    [Fact]
    public void Public_types_live_in_the_package_namespace_or_the_dependency_injection_namespace()
    {
        var misplaced = Package.GetExportedTypes()
            .Where(t => t.Namespace is not ("Keap.ServiceAccount" or "Microsoft.Extensions.DependencyInjection"))
            .Select(t => t.FullName)
            .ToList();

        Assert.Empty(misplaced);
    }

    [Fact]
    public void Public_classes_are_not_positional_records_whose_constructor_and_deconstruction_would_freeze_their_shape()
    {
        var positional = Package.GetExportedTypes()
            .Where(t => t.IsClass && t.GetMethod("Deconstruct", BindingFlags.Public | BindingFlags.Instance) is not null)
            .Select(t => t.FullName!)
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Empty(positional);
    }

    [Fact]
    public void No_two_folders_of_the_package_use_each_other()
    {
        var edges = NamespaceDependencies.Read(Package);
        var cycles = edges
            .Select(e => (Edge: e, Back: Path(edges, e.Key.To, e.Key.From)))
            .Where(c => c.Back is not null)
            .Select(c => $"{c.Edge.Key.From} -> {string.Join(" -> ", c.Back!)} (for one: {c.Edge.Value})")
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.True(cycles.Count == 0, "Folders that use each other, directly or through others:\n" + string.Join("\n", cycles));
    }

    [Theory]
    [InlineData("Http", "Contacts")]
    [InlineData("Http", "Tags")]
    [InlineData("Http", "DependencyInjection")]
    [InlineData("Diagnostics", "Http")]
    [InlineData("Diagnostics", "Tokens")]
    [InlineData("Tokens", "Http")]
    [InlineData("Tokens", "DependencyInjection")]
    [InlineData("Configuration", "Tokens")]
    [InlineData("Configuration", "Http")]
    [InlineData("Configuration", "DependencyInjection")]
    public void A_lower_folder_does_not_use_a_higher_one(string lower, string higher)
    {
        var edges = NamespaceDependencies.Read(Package);

        Assert.False(edges.TryGetValue((lower, higher), out var example), $"{lower} uses {higher}: {example}");
    }

    /// <summary>The folders from <paramref name="from"/> to <paramref name="to"/> along the edges (both ends included), or <see langword="null"/>.</summary>
    private static List<string>? Path(IReadOnlyDictionary<(string From, string To), string> edges, string from, string to)
    {
        var cameFrom = new Dictionary<string, string?> { [from] = null };
        var next = new Queue<string>([from]);
        while (next.TryDequeue(out var folder))
        {
            if (folder == to)
            {
                var path = new List<string>();
                for (string? step = folder; step is not null; step = cameFrom[step])
                {
                    path.Insert(0, step);
                }

                return path;
            }

            foreach (var (_, target) in edges.Keys.Where(k => k.From == folder))
            {
                if (cameFrom.TryAdd(target, folder))
                {
                    next.Enqueue(target);
                }
            }
        }

        return null;
    }
}
