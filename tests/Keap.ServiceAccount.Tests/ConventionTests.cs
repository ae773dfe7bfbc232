using System.Reflection;

namespace Keap.ServiceAccount.Tests;

public sealed class ConventionTests
{
    private static readonly Assembly Package = typeof(KeapToken).Assembly;

    [Fact]
    public void Public_classes_are_sealed_or_static()
    {
        var open = Package.GetExportedTypes()
            .Where(t => t.IsClass && !t.IsSealed && !(t.IsAbstract && t.IsSealed))
            .Select(t => t.FullName)
            .ToList();

        Assert.Empty(open);
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
}
