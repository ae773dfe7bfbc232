using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Keap.ServiceAccount.Sandbox;

/// <summary>
/// What an app needs to use a standalone sandbox, said at start (one log line) and on its <c>/</c> page: the
/// authorize, token and API addresses and the test client, under the option names of <c>KeapServiceAccountOptions</c>.
/// </summary>
internal static partial class SandboxHome
{
    /// <summary>The default test client's secret: a fixed value every sandbox accepts, so printing it reveals nothing.</summary>
    private const string FixedSecretNote = "a fixed test value of the sandbox, not a secret";

    public static void Map(IEndpointRouteBuilder app) => app.MapGet("/", (HttpRequest request, IOptions<KeapSandboxOptions> options, KeapSandboxState state, KeapSandboxHooks hooks) =>
    {
        var root = new Uri($"{request.Scheme}://{request.Host}{request.PathBase}/");
        var body = new StringBuilder()
            .Append("<p>A local emulator of Keap's OAuth and v2 contacts and tags API. Point an app at it with these settings ")
            .Append("(the <code>Keap</code> section of its configuration):</p><dl>");
        foreach (var (name, value, note) in Settings(root, options.Value))
        {
            body.Append("<dt>Keap:").Append(name).Append("</dt><dd><code>").Append(SandboxPage.Encode(value)).Append("</code>")
                .Append(note is null ? "" : $" <span class=\"muted\">({SandboxPage.Encode(note)})</span>").Append("</dd>");
        }

        List<string> labels;
        lock (state.Gate)
        {
            labels = [.. state.CustomFieldRecords.Select(f => (string?)f["label"] ?? "")];
        }

        body.Append("</dl><p class=\"muted\">Custom fields: ").Append(SandboxPage.Encode(Describe(labels)))
            .Append(". Tags: ").Append(SandboxPage.Encode(Describe(state.Tags.Select(t => t.Name))))
            .Append(". Define more with <code>KeapSandbox:CustomFields:0:Label</code>, <code>…:FieldType</code>, <code>…:Options:0</code> ")
            .Append("and <code>KeapSandbox:Tags:0</code> (appsettings, environment or command line).</p>");
        AppendHooks(body, hooks);
        return SandboxPage.Html(StatusCodes.Status200OK, "Keap sandbox", body.ToString());
    });

    /// <summary>The REST hook subscriptions (never their URLs, which carry the receivers' secrets) and the latest attempts.</summary>
    private static void AppendHooks(StringBuilder body, KeapSandboxHooks hooks)
    {
        body.Append("<h2>REST hooks</h2><p class=\"muted\">Subscriptions: ")
            .Append(SandboxPage.Encode(Describe(hooks.Subscriptions.Select(h => $"{h.Key} {h.EventKey} {h.Status}"))))
            .Append(". Latest delivery attempts: ")
            .Append(SandboxPage.Encode(Describe(hooks.Attempts.TakeLast(20).Reverse().Select(a =>
                $"{a.Time:yyyy-MM-dd HH:mm:ss}Z hook {a.HookKey} {a.EventKey} ({a.ObjectCount} objects) attempt {a.Attempt}: {a.StatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no answer"}, {a.Outcome}"))))
            .Append(".</p>");
    }

    /// <summary>Logs the start line once the server listens (its address is known only then).</summary>
    public static void LogWhenStarted(WebApplication app) => app.Lifetime.ApplicationStarted.Register(() =>
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        if (address is null)
        {
            return;
        }

        // A wildcard binding is reached through localhost.
        var root = new UriBuilder(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
        if (root.Host is "0.0.0.0" or "[::]" or "::")
        {
            root.Host = "localhost";
        }

        var settings = Settings(root.Uri, app.Services.GetRequiredService<IOptions<KeapSandboxOptions>>().Value);
        var line = string.Join("; ", settings.Select(s => $"Keap:{s.Name}={s.Value}{(s.Note is null ? "" : $" ({s.Note})")}"));
        Started(app.Logger, root.Uri, line);
    });

    /// <summary>The settings an app needs, by the option names of <c>KeapServiceAccountOptions</c>; configured secrets are never shown.</summary>
    internal static IReadOnlyList<(string Name, string Value, string? Note)> Settings(Uri root, KeapSandboxOptions options)
    {
        var settings = new List<(string, string, string?)>
        {
            ("AuthorizeEndpoint", new Uri(root, "app/oauth/authorize").ToString(), null),
            ("TokenEndpoint", new Uri(root, "token").ToString(), null),
            ("ApiBaseAddress", new Uri(root, "crm/").ToString(), null),
        };
        if (options.Apps.Count == 0)
        {
            var client = KeapSandboxApp.Default;
            settings.Add(("ClientId", client.ClientId, null));
            settings.Add(("ClientSecret", client.ClientSecret, FixedSecretNote));
            settings.Add(("RedirectUri", "your app's callback URL", "the test client accepts any absolute URI"));
        }
        else
        {
            settings.Add(("ClientId", string.Join(" or ", options.Apps.Select(a => a.ClientId)), "from KeapSandbox:Apps"));
            settings.Add(("ClientSecret", "as configured in KeapSandbox:Apps", "not shown"));
            settings.Add(("RedirectUri", Describe(options.Apps.SelectMany(a => a.AllowAnyRedirectUri ? ["any absolute URI"] : a.RedirectUris)), null));
        }

        if (options.ServiceAccountKeys.Count > 0)
        {
            settings.Add(("ServiceAccountKey", "one of KeapSandbox:ServiceAccountKeys", "not shown"));
        }

        return settings;
    }

    private static string Describe(IEnumerable<string> items) => string.Join(", ", items.Distinct(StringComparer.Ordinal)) is { Length: > 0 } text ? text : "none";

    [LoggerMessage(EventId = 5000, EventName = "SandboxStarted", Level = LogLevel.Information,
        Message = "Keap sandbox ready at {Root}; an app needs {Settings}. Open {Root} for these settings.")]
    private static partial void Started(ILogger logger, Uri root, string settings);
}
