namespace Keap.ServiceAccount.Sandbox;

/// <summary>Runs the sandbox standalone: <c>dotnet run --project src/Keap.ServiceAccount.Sandbox --urls http://127.0.0.1:5090</c>.</summary>
internal static class Program
{
    private static async Task Main(string[] args)
    {
        await Build(args).RunAsync().ConfigureAwait(false);
    }

    /// <summary>The standalone sandbox, built but not started (tests start it with their own logging).</summary>
    /// <param name="args">Command-line arguments: <c>--urls</c> and settings such as <c>--KeapSandbox:StateFile=...</c>.</param>
    /// <param name="configure">Adjusts the builder before the app is built.</param>
    internal static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        // Settings under "KeapSandbox" (appsettings, environment, command line) configure the emulator.
        builder.Services.AddKeapSandbox(options => builder.Configuration.GetSection("KeapSandbox").Bind(options));
        // Request lines would put the consent page's state (and any query) into the log; the sandbox's own start line says what matters.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        configure?.Invoke(builder);
        var app = builder.Build();
        app.MapKeapSandbox();
        SandboxHome.Map(app);
        NotServedEndpoints.MapEverywhere(app);
        SandboxHome.LogWhenStarted(app);
        return app;
    }
}
