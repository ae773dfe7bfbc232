using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Keap.ServiceAccount.AspNetCore.Tests;

internal static class ReadmeLogging
{
    /// <summary>
    /// Captures the application's logs as the README advises (and the ASP.NET Core templates set): the framework's
    /// request and routing lines, which carry the URL and so the path secret, at Warning; everything else, the
    /// package's own logs included, at every level. Tests read them with <c>GetFakeLogCollector()</c>.
    /// </summary>
    public static void CaptureLogsAsTheReadmeAdvises(this WebApplicationBuilder builder)
    {
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        });
        builder.Logging.ClearProviders().AddConfiguration(builder.Configuration.GetSection("Logging")).AddFakeLogging();
    }
}
