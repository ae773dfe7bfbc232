namespace Keap.ServiceAccount.Sandbox;

/// <summary>Runs the sandbox standalone: <c>dotnet run --project src/Keap.ServiceAccount.Sandbox --urls http://127.0.0.1:5090</c>.</summary>
internal static class Program
{
    private static async Task Main(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        // Settings under "KeapSandbox" (appsettings, environment, command line) configure the emulator.
        builder.Services.AddKeapSandbox(options => builder.Configuration.GetSection("KeapSandbox").Bind(options));
        var app = builder.Build();
        app.MapKeapSandbox();
        await app.RunAsync().ConfigureAwait(false);
    }
}
