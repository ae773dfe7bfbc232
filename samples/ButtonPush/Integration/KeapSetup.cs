using Keap.ServiceAccount;

namespace ButtonPush.Integration;

/// <summary>
/// Wires the package: real Keap when <c>Keap:ClientId</c> or <c>Keap:ServiceAccountKey</c> is configured,
/// otherwise the embedded sandbox, so the app runs offline with no setup.
/// </summary>
internal sealed partial class KeapSetup
{
    /// <summary>Where the app serves the sandbox when it hosts it.</summary>
    public const string SandboxPath = "/keap-sandbox";

    /// <summary>The OAuth callback path; register <c>{public base URL}/admin/keap/callback</c> as the Keap app's redirect URI.</summary>
    public const string CallbackPath = "/admin/keap/callback";

    private KeapSetup(bool usesSandbox, Uri publicBaseUrl)
    {
        UsesSandbox = usesSandbox;
        PublicBaseUrl = publicBaseUrl;
    }

    public bool UsesSandbox { get; }

    public Uri PublicBaseUrl { get; }

    public static KeapSetup Configure(WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(KeapServiceAccountOptions.SectionName);
        var usesSandbox = string.IsNullOrWhiteSpace(section["ClientId"]) && string.IsNullOrWhiteSpace(section["ServiceAccountKey"]);
        var setup = new KeapSetup(usesSandbox, ResolvePublicBaseUrl(builder.Configuration["ButtonPush:PublicBaseUrl"], builder.Configuration["urls"]));
        var callback = new Uri(setup.PublicBaseUrl, CallbackPath);

        builder.Services.AddKeapServiceAccount(section);
        builder.Services.PostConfigure<KeapServiceAccountOptions>(options => options.RedirectUri ??= callback);
        return setup;
    }

    public void LogStart(ILogger logger)
    {
        if (UsesSandbox)
        {
            LogSandboxMode(logger, PublicBaseUrl, new Uri(PublicBaseUrl, SandboxPath.TrimStart('/')));
        }
        else
        {
            LogKeapMode(logger, PublicBaseUrl);
        }
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

    [LoggerMessage(100, LogLevel.Information, "ButtonPush runs against the embedded Keap sandbox at {SandboxUrl} (no Keap:ClientId or Keap:ServiceAccountKey configured). Open {Url}")]
    private static partial void LogSandboxMode(ILogger logger, Uri url, Uri sandboxUrl);

    [LoggerMessage(101, LogLevel.Information, "ButtonPush runs against the configured Keap endpoints. Open {Url}")]
    private static partial void LogKeapMode(ILogger logger, Uri url);
}
