using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Keap.ServiceAccount.Sandbox;

namespace ButtonPush.Tests;

/// <summary>The app under test, each instance with its own data folder, captured logs and (optionally) a fake clock.</summary>
public sealed class ButtonPushApp : WebApplicationFactory<Program>
{
    public const string AdminEmail = "admin@buttonpush.test";

    private readonly Dictionary<string, string?> settings;
    private readonly FakeKeap? fakeKeap;
    private readonly bool ownsDataFolder;
    private readonly Action<IServiceCollection>? configureServices;

    public ButtonPushApp(
        FakeTimeProvider? time = null,
        IDictionary<string, string?>? settings = null,
        FakeKeap? fakeKeap = null,
        string? dataFolder = null,
        Action<IServiceCollection>? configureServices = null)
    {
        this.configureServices = configureServices;
        Time = time;
        ownsDataFolder = dataFolder is null;
        DataFolder = dataFolder ?? NewDataFolder();
        this.settings = new Dictionary<string, string?>
        {
            ["ButtonPush:DataFolder"] = DataFolder,
            ["ButtonPush:AdminEmail"] = AdminEmail,
            ["Keap:Api:Retry:MaxAttempts"] = "0",
        };
        if (fakeKeap is not null)
        {
            // Real-Keap mode with made-up credentials; the fake replaces every client, so nothing leaves the process.
            this.settings["Keap:ClientId"] = "fake-client";
            this.settings["Keap:ClientSecret"] = "fake-secret";
            this.settings["Keap:Hooks:ReceiverUrl"] = "http://127.0.0.1:5080/keap/hooks";
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            this.settings[key] = value;
        }

        this.fakeKeap = fakeKeap;
        PublicBaseUrl = new Uri(this.settings.TryGetValue("ButtonPush:PublicBaseUrl", out var url) && url is not null ? url : "http://127.0.0.1:5080");
        this.settings["ButtonPush:PublicBaseUrl"] = PublicBaseUrl.AbsoluteUri;
    }

    /// <summary>The address the app believes it serves; test clients use it so cookies follow Keap's redirect back.</summary>
    public Uri PublicBaseUrl { get; }

    public string DataFolder { get; }

    /// <summary>A fresh folder under the temp directory; whoever asks for it deletes it.</summary>
    public static string NewDataFolder() => Path.Combine(Path.GetTempPath(), "buttonpush-tests", Guid.NewGuid().ToString("N"));

    public FakeTimeProvider? Time { get; }

    public FakeLogCollector Logs => Services.GetFakeLogCollector();

    /// <summary>The embedded sandbox's contacts, tags and counters.</summary>
    public KeapSandboxState Sandbox => Services.GetRequiredService<KeapSandboxState>();

    public KeapSandboxFaults SandboxFaults => Services.GetRequiredService<KeapSandboxFaults>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.AddFakeLogging());
        builder.ConfigureTestServices(services =>
        {
            if (Time is not null)
            {
                services.AddSingleton<TimeProvider>(Time);
            }

            fakeKeap?.Register(services);
            configureServices?.Invoke(services);

            if (settings.ContainsKey("Keap:ClientId"))
            {
                return;
            }

            // Under TestServer there is no socket: the package's HTTP clients reach the embedded sandbox in memory.
            services.ConfigureAll<HttpClientFactoryOptions>(options => options.HttpMessageHandlerBuilderActions.Add(handlers =>
            {
                if (handlers.Services.GetRequiredService<IServer>() is TestServer server)
                {
                    handlers.PrimaryHandler = server.CreateHandler();
                }
            }));
        });
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (!ownsDataFolder)
        {
            return;
        }

        try
        {
            Directory.Delete(DataFolder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
