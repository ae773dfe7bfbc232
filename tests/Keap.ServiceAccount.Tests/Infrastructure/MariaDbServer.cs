using MySqlConnector;

namespace Keap.ServiceAccount.Tests.Infrastructure;

/// <summary>
/// The MariaDB (or MySQL) server the tests use; <c>.ci/mariadb.sh</c> starts one and sets <c>KEAP_TEST_MARIADB</c>.
/// Set, its tests run and fail when the server is down; unset, the local default is probed once and the tests are
/// skipped, with the reason, when nothing answers.
/// </summary>
public static class MariaDbServer
{
    public const string EnvironmentVariable = "KEAP_TEST_MARIADB";

    public const string DefaultConnectionString = "Server=127.0.0.1;Port=3306;Database=keap_test;User ID=keap_test;Password=keap_test";

    private static readonly Lazy<string?> LazySkipReason = new(() =>
    {
        var builder = new MySqlConnectionStringBuilder(ConnectionString);
        return LocalServer.ProbeSkipReason("MariaDB", EnvironmentVariable, builder.Server, (int)builder.Port);
    });

    public static string ConnectionString =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } configured ? configured : DefaultConnectionString;

    /// <summary>Why MariaDB tests are skipped, or <see langword="null"/> when they must run.</summary>
    public static string? SkipReason => LazySkipReason.Value;
}
