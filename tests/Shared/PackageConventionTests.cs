using System.Reflection;

namespace Keap.ServiceAccount.Testing;

/// <summary>
/// The conventions every shipped package keeps, checked once per package by its test project's <c>ConventionTests</c>.
/// Every test project compiles this file (tests/Directory.Build.props).
/// </summary>
public abstract class PackageConventionTests
{
    /// <summary>The package's assembly.</summary>
    protected abstract Assembly Package { get; }

    [Fact]
    public void Public_classes_are_sealed_or_static()
    {
        // Unsealed public classes are a promise to support inheritance, which 1.0 would have to keep.
        var open = Package.GetExportedTypes()
            .Where(t => t.IsClass && !t.IsSealed && !(t.IsAbstract && t.IsSealed))
            .Select(t => t.FullName)
            .ToList();

        Assert.Empty(open);
    }
}
