using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Keap.ServiceAccount.Testing;

/// <summary>
/// xunit's framework plus one closing line per test assembly naming the groups of tests it skipped and how to run
/// them, because <c>dotnet test</c> otherwise reports only a count. The line is an xunit diagnostic message, which
/// the VSTest adapter prints as a warning when <c>tests/test.runsettings</c> turns diagnostic messages on.
/// Every test project compiles this file and names it in <c>[assembly: TestFramework]</c> (tests/Directory.Build.props).
/// </summary>
public sealed class SkipSummaryTestFramework(IMessageSink messageSink) : XunitTestFramework(messageSink)
{
    /// <summary>How to run every skipped group: the services <c>.ci/run</c> installs and starts, or a variable naming one.</summary>
    public const string HowToRun =
        "Run them with .ci/run (as root on Debian: installs and starts PostgreSQL, MariaDB and Chromium), or set the variable named above.";

    protected override ITestFrameworkExecutor CreateExecutor(AssemblyName assemblyName) =>
        new Executor(assemblyName, SourceInformationProvider, DiagnosticMessageSink);

    /// <summary>The closing line for the skip reasons of a run's tests (<see langword="null"/> for one that ran), or <see langword="null"/> when none was skipped.</summary>
    public static string? Summarize(IEnumerable<string?> skipReasons)
    {
        var groups = skipReasons
            .OfType<string>()
            .Where(r => r.Length > 0)
            .GroupBy(r => r, StringComparer.Ordinal)
            .Select(g => (Count: g.Count(), Reason: g.Key.TrimEnd('.')))
            .OrderByDescending(g => g.Count)
            .ToList();
        return groups.Count == 0
            ? null
            : $"skipped {groups.Sum(g => g.Count)} tests ({string.Join("; ", groups.Select(g => $"{g.Count}: {g.Reason}"))}). {HowToRun}";
    }

    private sealed class Executor(AssemblyName assemblyName, ISourceInformationProvider sourceInformationProvider, IMessageSink diagnosticMessageSink)
        : XunitTestFrameworkExecutor(assemblyName, sourceInformationProvider, diagnosticMessageSink)
    {
        // async void is xunit's own signature for this override; the runner reports its completion through the sinks.
        protected override async void RunTestCases(IEnumerable<IXunitTestCase> testCases, IMessageSink executionMessageSink, ITestFrameworkExecutionOptions executionOptions)
        {
            using var runner = new Runner(TestAssembly, testCases, DiagnosticMessageSink, executionMessageSink, executionOptions);
            await runner.RunAsync();
        }
    }

    private sealed class Runner(ITestAssembly testAssembly, IEnumerable<IXunitTestCase> testCases, IMessageSink diagnosticMessageSink, IMessageSink executionMessageSink, ITestFrameworkExecutionOptions executionOptions)
        : XunitTestAssemblyRunner(testAssembly, testCases, diagnosticMessageSink, executionMessageSink, executionOptions)
    {
        protected override Task BeforeTestAssemblyFinishedAsync()
        {
            // The adapter prefixes the assembly name.
            var summary = Summarize(TestCases.Select(t => t.SkipReason));
            if (summary is not null)
            {
                DiagnosticMessageSink.OnMessage(new DiagnosticMessage(summary));
            }

            return base.BeforeTestAssemblyFinishedAsync();
        }
    }
}
