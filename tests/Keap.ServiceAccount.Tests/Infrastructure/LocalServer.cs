using System.Net.Sockets;

namespace Keap.ServiceAccount.Tests.Infrastructure;

/// <summary>Decides whether tests needing a local database server run, the same way for every server.</summary>
internal static class LocalServer
{
    /// <summary>
    /// <see langword="null"/> (run) when <paramref name="variable"/> is set or <c>CI=true</c>, since the server was then
    /// promised and its tests must fail when it is down; otherwise probes <paramref name="host"/>:<paramref name="port"/>
    /// once and returns why the tests are skipped when nothing answers.
    /// </summary>
    public static string? ProbeSkipReason(string server, string variable, string host, int port)
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(variable)) || Environment.GetEnvironmentVariable("CI") == "true")
        {
            return null;
        }

        try
        {
            using var client = new TcpClient();
            if (client.ConnectAsync(host, port).Wait(TimeSpan.FromSeconds(1)) && client.Connected)
            {
                return null;
            }
        }
        catch (AggregateException)
        {
            // Refused: reported below.
        }

        return $"No {server} server answers on {host}:{port} and {variable} is not set (set it to require the server).";
    }
}
