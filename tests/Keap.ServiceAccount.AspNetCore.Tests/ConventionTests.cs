using System.Reflection;
using Microsoft.AspNetCore.Builder;

namespace Keap.ServiceAccount.AspNetCore.Tests;

public sealed class ConventionTests
{
    private static readonly Assembly Package = typeof(KeapHookEndpointRouteBuilderExtensions).Assembly;

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
    public void The_core_package_keeps_no_ASP_NET_Core_dependency()
    {
        var aspNetCore = typeof(KeapToken).Assembly.GetReferencedAssemblies()
            .Where(a => a.Name!.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal))
            .Select(a => a.Name)
            .ToList();

        Assert.Empty(aspNetCore);
    }
}
