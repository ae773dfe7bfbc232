using System.Reflection;
using Microsoft.AspNetCore.Builder;

namespace Keap.ServiceAccount.AspNetCore.Tests;

public sealed class ConventionTests : PackageConventionTests
{
    protected override Assembly Package { get; } = typeof(KeapHookEndpointRouteBuilderExtensions).Assembly;

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
