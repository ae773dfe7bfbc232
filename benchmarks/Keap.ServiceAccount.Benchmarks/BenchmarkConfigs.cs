using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Keap.ServiceAccount.Benchmarks;

/// <summary>
/// Short, fixed-length runs so the whole suite fits in about 15 minutes on a 2-core machine. In process: the
/// loopback servers, the sandbox and the call counters live next to the code under test, and no second build is needed.
/// </summary>
internal static class ShortJobs
{
    public static Job Create(string id, int warmupCount, int iterationCount) => Job.Default
        .WithToolchain(InProcessEmitToolchain.Instance)
        .WithLaunchCount(1)
        .WithWarmupCount(warmupCount)
        .WithIterationCount(iterationCount)
        .WithId(id);
}

/// <summary>Many invocations per iteration: per-call costs of microseconds or less.</summary>
public sealed class ShortRunConfig : ManualConfig
{
    public ShortRunConfig()
    {
        AddJob(ShortJobs.Create("Short", warmupCount: 3, iterationCount: 15));
        AddColumn(KeapCalls.Column);
    }
}

/// <summary>
/// One invocation per iteration, for operations that need fresh state each time (a refresh storm) or take
/// long enough to time alone (bulk tagging).
/// </summary>
public sealed class OneShotConfig : ManualConfig
{
    public OneShotConfig()
    {
        AddJob(ShortJobs.Create("OneShot", warmupCount: 2, iterationCount: 10).WithInvocationCount(1).WithUnrollFactor(1));
        AddColumn(KeapCalls.Column);
    }
}
