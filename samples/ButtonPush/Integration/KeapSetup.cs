using System.Data.Common;
using System.Security.Cryptography;
using ButtonPush.Hooks;
using Keap.ServiceAccount;
using Keap.ServiceAccount.Sandbox;

namespace ButtonPush.Integration;

/// <summary>
/// Wires the package: real Keap when <c>Keap:ClientId</c> or <c>Keap:ServiceAccountKey</c> is configured,
/// otherwise the embedded sandbox, so the app runs offline with no setup.
/// </summary>
internal sealed partial class KeapSetup
{
    /// <summary>Where the app serves the sandbox when it hosts it.</summary>
    public const string SandboxPath = "/keap-sandbox";

    /// <summary>The client the app registers with its embedded sandbox.</summary>
    public const string SandboxClientId = "buttonpush-sample";

    /// <summary>The OAuth callback path; register <c>{public base URL}/admin/keap/callback</c> as the Keap app's redirect URI.</summary>
    public const string CallbackPath = "/admin/keap/callback";

    /// <summary>Where the app receives Keap's REST hooks; <c>Keap:Hooks:ReceiverUrl</c> is the public address of this path.</summary>
    public const string HooksPath = "/keap/hooks";

    /// <summary>The file, in the data folder, where the embedded sandbox keeps its contacts, tags, grants and hook subscriptions.</summary>
    public const string SandboxStateFileName = "keap-sandbox.json";

    private KeapSetup(bool usesSandbox, Uri publicBaseUrl, string sandboxStateFile, string? adminEmail)
    {
        UsesSandbox = usesSandbox;
        PublicBaseUrl = publicBaseUrl;
        SandboxStateFile = sandboxStateFile;
        AdminEmail = adminEmail;
    }

    public bool UsesSandbox { get; }

    public Uri PublicBaseUrl { get; }

    public string SandboxStateFile { get; }

    /// <summary><c>ButtonPush:AdminEmail</c>: whoever signs up with it gets the admin panel.</summary>
    public string? AdminEmail { get; }

    public static KeapSetup Configure(WebApplicationBuilder builder, DbDataSource dataSource, string dataFolder)
    {
        var section = builder.Configuration.GetSection(KeapServiceAccountOptions.SectionName);
        var usesSandbox = string.IsNullOrWhiteSpace(section["ClientId"]) && string.IsNullOrWhiteSpace(section["ServiceAccountKey"]);
        var setup = new KeapSetup(
            usesSandbox,
            ResolvePublicBaseUrl(builder.Configuration["ButtonPush:PublicBaseUrl"], builder.Configuration["urls"]),
            Path.Combine(dataFolder, SandboxStateFileName),
            builder.Configuration["ButtonPush:AdminEmail"]?.Trim());
        var callback = new Uri(setup.PublicBaseUrl, CallbackPath);

        // The token row (and the hook receiver's path secret beside it) shares the app's SQLite database, the token
        // encrypted with Data Protection. Against Keap itself Keap:Hooks:ReceiverUrl must be configured (the package
        // refuses to start without it); offline, the embedded sandbox calls the app back on its own address.
        builder.Services.AddKeapServiceAccount(section)
            .UseTokenProtector<DataProtectionTokenProtector>()
            .UseSqlTokenStore(dataSource, options => options.TableName = "system_settings")
            .AddHooks(options => options.ReceiverUrl ??= usesSandbox ? new Uri(setup.PublicBaseUrl, HooksPath.TrimStart('/')) : null)
            .AddHookReceiver<ButtonPushHookHandler>();
        builder.Services.PostConfigure<KeapServiceAccountOptions>(options => options.RedirectUri ??= callback);
        if (usesSandbox)
        {
            setup.UseEmbeddedSandbox(builder.Services, builder.Configuration.GetSection("KeapSandbox:Hooks"), callback);
        }

        return setup;
    }

    /// <summary>Serves the REST hook receiver, and the sandbox when the app hosts it.</summary>
    public void MapEndpoints(WebApplication app)
    {
        app.MapKeapHooks(HooksPath);
        if (UsesSandbox)
        {
            app.MapKeapSandbox(SandboxPath);
        }
    }

    public void LogStart(ILogger logger)
    {
        if (UsesSandbox)
        {
            LogSandboxMode(logger, PublicBaseUrl, string.IsNullOrEmpty(AdminEmail) ? "(none: set ButtonPush:AdminEmail)" : AdminEmail, SandboxStateFile);
        }
        else
        {
            LogKeapMode(logger, PublicBaseUrl);
        }
    }

    /// <summary>
    /// Hosts the sandbox in this app and points the package at it, as a client registered for this app's
    /// callback only. The secret is made up per run, so nothing secret is seeded or committed; the sandbox's
    /// grants are tied to the client id, so a connection made in an earlier run keeps working.
    /// </summary>
    private void UseEmbeddedSandbox(IServiceCollection services, IConfigurationSection hooks, Uri callback)
    {
        var secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        services.AddKeapSandbox(options =>
        {
            options.Apps.Add(new KeapSandboxApp
            {
                ClientId = SandboxClientId,
                ClientSecret = secret,
                RedirectUris = { callback.AbsoluteUri },
            });
            // Restarts keep the connection and the contacts, as they would with the real Keap.
            options.StateFile = SandboxStateFile;
            // KeapSandbox:Hooks: the sample shortens Keap's delivery delays so a change shows in the panel at once.
            hooks.Bind(options.Hooks);
        });
        var sandbox = new Uri(PublicBaseUrl, SandboxPath.TrimStart('/') + "/");
        services.PostConfigure<KeapServiceAccountOptions>(options =>
        {
            options.ClientId = SandboxClientId;
            options.ClientSecret = secret;
            options.RedirectUri = callback;
            options.AuthorizeEndpoint = new Uri(sandbox, "app/oauth/authorize");
            options.TokenEndpoint = new Uri(sandbox, "token");
            options.ApiBaseAddress = new Uri(sandbox, "crm/");
        });
    }

    /// <summary>
    /// <c>ButtonPush:PublicBaseUrl</c>, else the first address the server is told to listen on
    /// (<c>urls</c>, set by launchSettings.json), else the launch profile's default.
    /// </summary>
    private static Uri ResolvePublicBaseUrl(string? configured, string? urls)
    {
        if (string.IsNullOrWhiteSpace(configured))
        {
            configured = urls?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        }

        var url = string.IsNullOrWhiteSpace(configured) ? "http://127.0.0.1:5080" : configured;
        return new Uri(url.EndsWith('/') ? url : url + "/");
    }

    [LoggerMessage(100, LogLevel.Information, "Sandbox mode: no Keap:ClientId or Keap:ServiceAccountKey configured, so ButtonPush runs offline against its embedded Keap sandbox (kept in {StateFile}). Open {Url}; for the admin panel sign up (or log in) as {AdminEmail}, with any password of 8 characters or more, then press \"Connect to Keap\". The sandbox's contacts and tags show in the admin panel.")]
    private static partial void LogSandboxMode(ILogger logger, Uri url, string adminEmail, string stateFile);

    [LoggerMessage(101, LogLevel.Information, "ButtonPush runs against the configured Keap endpoints. Open {Url}")]
    private static partial void LogKeapMode(ILogger logger, Uri url);
}
