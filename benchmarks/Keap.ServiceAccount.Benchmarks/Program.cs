using BenchmarkDotNet.Running;
using Keap.ServiceAccount.Benchmarks;

// dotnet run -c Release --project benchmarks/Keap.ServiceAccount.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(KeapCalls).Assembly).Run(args);
KeapCalls.Print(Console.Out);
