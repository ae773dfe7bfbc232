using System.Reflection;
using Microsoft.AspNetCore.Builder;

namespace Keap.ServiceAccount.Sandbox.Tests;

public sealed class ConventionTests : PackageConventionTests
{
    private static readonly Assembly Sandbox = typeof(KeapSandboxServer).Assembly;

    protected override Assembly Package => Sandbox;

    [Fact]
    public void Public_types_live_in_the_sandbox_namespace()
    {
        Assert.Empty(Sandbox.GetExportedTypes().Where(t => t.Namespace != "Keap.ServiceAccount.Sandbox").Select(t => t.FullName));
    }

    [Fact]
    public void The_sandbox_does_not_depend_on_the_package_it_emulates_Keap_for()
    {
        Assert.DoesNotContain(Sandbox.GetReferencedAssemblies(), a => a.Name == "Keap.ServiceAccount");
    }

    [Fact]
    public void Mapping_without_registering_says_what_to_call()
    {
        var builder = WebApplication.CreateSlimBuilder();
        using var app = builder.Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapKeapSandbox());

        Assert.Contains("AddKeapSandbox", error.Message, StringComparison.Ordinal);
    }
}
