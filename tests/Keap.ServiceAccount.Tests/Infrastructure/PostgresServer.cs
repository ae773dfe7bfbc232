using Xunit.Abstractions;
using Xunit.Sdk;

namespace Keap.ServiceAccount.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL server the tests use. <c>KEAP_TEST_POSTGRES</c> set means CI promised a server: its tests then run
/// and fail when it is down. Unset, the local default is probed once and the tests are skipped, with the reason, when
/// nothing answers.
/// </summary>
public static class PostgresServer
{
    public const string EnvironmentVariable = "KEAP_TEST_POSTGRES";

    public const string DefaultConnectionString = "Host=127.0.0.1;Port=5432;Database=keap_test;Username=keap_test;Password=keap_test";

    private static readonly Lazy<string?> LazySkipReason = new(ProbeSkipReason);

    public static string ConnectionString =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } configured ? configured : DefaultConnectionString;

    /// <summary>Why PostgreSQL tests are skipped, or <see langword="null"/> when they must run.</summary>
    public static string? SkipReason => LazySkipReason.Value;

    private static string? ProbeSkipReason()
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString);
        return LocalServer.ProbeSkipReason("PostgreSQL", EnvironmentVariable, builder.Host!, builder.Port);
    }
}

/// <summary>A fact that needs the PostgreSQL server; see <see cref="PostgresServer"/>.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        Skip = PostgresServer.SkipReason;
    }
}

/// <summary>Marks a test class whose inherited <see cref="StoreFactAttribute"/> tests need the PostgreSQL server.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresPostgresAttribute : Attribute;

/// <summary>Marks a test class whose inherited <see cref="StoreFactAttribute"/> tests need the MariaDB server.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresMariaDbAttribute : Attribute;

/// <summary>
/// A fact of a shared contract suite: skipped, with the reason, when the concrete test class is marked
/// <see cref="RequiresPostgresAttribute"/> or <see cref="RequiresMariaDbAttribute"/> and that server is optional and absent.
/// </summary>
[XunitTestCaseDiscoverer("Keap.ServiceAccount.Tests.Infrastructure.StoreFactDiscoverer", "Keap.ServiceAccount.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class StoreFactAttribute : FactAttribute;

public sealed class StoreFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        yield return new StoreTestCase(diagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod);
    }
}

/// <summary>Decides the skip from the concrete test class each time it is initialised, so it survives serialisation.</summary>
public sealed class StoreTestCase : XunitTestCase
{
    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public StoreTestCase()
    {
    }

    public StoreTestCase(IMessageSink diagnosticMessageSink, TestMethodDisplay defaultMethodDisplay, TestMethodDisplayOptions defaultMethodDisplayOptions, ITestMethod testMethod)
        : base(diagnosticMessageSink, defaultMethodDisplay, defaultMethodDisplayOptions, testMethod)
    {
    }

    protected override string? GetSkipReason(IAttributeInfo factAttribute)
    {
        var testClass = TestMethod.TestClass.Class;
        if (testClass.GetCustomAttributes(typeof(RequiresPostgresAttribute)).Any())
        {
            return PostgresServer.SkipReason;
        }

        return testClass.GetCustomAttributes(typeof(RequiresMariaDbAttribute)).Any()
            ? MariaDbServer.SkipReason
            : base.GetSkipReason(factAttribute);
    }
}
