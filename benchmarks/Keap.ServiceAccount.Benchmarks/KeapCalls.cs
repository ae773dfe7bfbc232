using System.Collections.Concurrent;
using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Keap.ServiceAccount.Benchmarks;

/// <summary>
/// Counts the HTTP calls a benchmark operation made to the Keap sandbox (API or token endpoint), across every
/// invocation of the run, and shows them in a summary column. Works because the benchmarks run in process.
/// </summary>
public static class KeapCalls
{
    private static readonly ConcurrentDictionary<string, Tally> Tallies = new(StringComparer.Ordinal);

    public static IColumn Column { get; } = new CallsColumn();

    /// <summary>Records that one operation of <paramref name="benchmark"/> made <paramref name="calls"/> calls.</summary>
    public static void Record(string benchmark, object? parameter, long calls) =>
        Tallies.GetOrAdd(Key(benchmark, parameter), _ => new Tally()).Add(calls);

    /// <summary>Writes every tally, for the doc and for runs filtered to one benchmark.</summary>
    public static void Print(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        foreach (var (key, tally) in Tallies.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Keap calls {key}: {tally.Operations} operations, {tally.Calls} calls, min {tally.Min} / max {tally.Max} per operation"));
        }
    }

    private static string Key(string benchmark, object? parameter) =>
        parameter is null ? benchmark : string.Create(CultureInfo.InvariantCulture, $"{benchmark}({parameter})");

    private sealed class Tally
    {
        private readonly Lock _gate = new();

        public long Operations { get; private set; }

        public long Calls { get; private set; }

        public long Min { get; private set; } = long.MaxValue;

        public long Max { get; private set; }

        public void Add(long calls)
        {
            lock (_gate)
            {
                Operations++;
                Calls += calls;
                Min = Math.Min(Min, calls);
                Max = Math.Max(Max, calls);
            }
        }
    }

    private sealed class CallsColumn : IColumn
    {
        public string Id => nameof(KeapCalls);

        public string ColumnName => "Keap calls/op (min-max)";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => false;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "HTTP calls one operation made to the sandbox (API or token endpoint), over every invocation of the run";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var parameter = benchmarkCase.Parameters.Items.Count == 0
                ? null
                : string.Join(",", benchmarkCase.Parameters.Items.Select(p => Convert.ToString(p.Value, CultureInfo.InvariantCulture)));
            if (!Tallies.TryGetValue(Key(benchmarkCase.Descriptor.WorkloadMethod.Name, parameter), out var tally))
            {
                return "-";
            }

            return tally.Min == tally.Max
                ? tally.Max.ToString(CultureInfo.InvariantCulture)
                : string.Create(CultureInfo.InvariantCulture, $"{tally.Min}-{tally.Max}");
        }

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;
    }
}
