namespace Keap.ServiceAccount.Tests.Infrastructure;

/// <summary>The closing line <c>dotnet test</c> prints when tests were skipped (tests/Shared/SkipSummaryTestFramework.cs).</summary>
public sealed class SkipSummaryTests
{
    [Fact]
    public void Names_each_skipped_group_with_its_count_and_how_to_run_them()
    {
        const string NoPostgres = "No PostgreSQL server answers on 127.0.0.1:5432 and KEAP_TEST_POSTGRES is not set (set it to require the server).";
        const string NoMariaDb = "No MariaDB server answers on 127.0.0.1:3306 and KEAP_TEST_MARIADB is not set (set it to require the server).";

        var line = SkipSummaryTestFramework.Summarize([NoMariaDb, null, NoPostgres, NoPostgres, "", NoMariaDb, NoPostgres]);

        Assert.NotNull(line);
        Assert.DoesNotContain('\n', line);
        Assert.StartsWith(
            "skipped 5 tests (3: No PostgreSQL server answers on 127.0.0.1:5432 and KEAP_TEST_POSTGRES is not set (set it to require the server); " +
            "2: No MariaDB server answers on 127.0.0.1:3306 and KEAP_TEST_MARIADB is not set (set it to require the server)). ",
            line,
            StringComparison.Ordinal);
        Assert.EndsWith(SkipSummaryTestFramework.HowToRun, line, StringComparison.Ordinal);
        Assert.Contains(".ci/run", SkipSummaryTestFramework.HowToRun, StringComparison.Ordinal);
        Assert.Contains("set the variable", SkipSummaryTestFramework.HowToRun, StringComparison.Ordinal);
    }

    [Fact]
    public void Says_nothing_when_no_test_was_skipped()
    {
        Assert.Null(SkipSummaryTestFramework.Summarize([null, null, ""]));
    }
}
