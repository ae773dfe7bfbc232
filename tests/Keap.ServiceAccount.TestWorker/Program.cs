// Usage: --store file --path P --token-endpoint URI
// Commands on stdin: "get N" runs N concurrent GetAccessTokenAsync calls, "reject N T" runs N concurrent
// GetAccessTokenAfterRejectionAsync(T) calls (as after a 401); each prints "token <value>" or "error <state>" per call,
// then "done". "exit" ends the process.
using Keap.ServiceAccount;
using Keap.ServiceAccount.Tokens;
using Microsoft.Extensions.DependencyInjection;

var arguments = ReadArguments(args);
var services = new ServiceCollection();
services.AddLogging();
var builder = services.AddKeapServiceAccount(o =>
{
    o.ClientId = arguments.GetValueOrDefault("client-id", "client-id-1");
    o.ClientSecret = arguments.GetValueOrDefault("client-secret", "client-secret");
    o.RedirectUri = new Uri("https://app.example/keap/callback");
    o.TokenEndpoint = new Uri(arguments["token-endpoint"]);
});
UseStore(builder, arguments);

await using var provider = services.BuildServiceProvider();
var tokens = provider.GetRequiredService<IAccessTokenProvider>();
Console.WriteLine("ready");
while (Console.ReadLine() is { } line)
{
    var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    if (parts is ["exit"])
    {
        break;
    }

    if (parts is ["get" or "reject", var count, ..])
    {
        var rejected = parts.Length > 2 ? parts[2] : null;
        var results = await Task.WhenAll(Enumerable.Range(0, int.Parse(count, System.Globalization.CultureInfo.InvariantCulture)).Select(async _ =>
        {
            try
            {
                return "token " + await (rejected is null
                    ? tokens.GetAccessTokenAsync(CancellationToken.None)
                    : tokens.GetAccessTokenAfterRejectionAsync(rejected, CancellationToken.None));
            }
            catch (KeapAuthorizationException ex)
            {
                return "error " + ex.State;
            }
        }));
        foreach (var result in results)
        {
            Console.WriteLine(result);
        }

        Console.WriteLine("done");
    }
}

// The one place a store is chosen, so other stores can be added as cases.
static void UseStore(KeapServiceAccountBuilder builder, Dictionary<string, string> arguments)
{
    switch (arguments.GetValueOrDefault("store"))
    {
        case "file":
            builder.UseFileTokenStore(arguments["path"]);
            break;
        default:
            throw new ArgumentException("--store must be one of: file");
    }
}

static Dictionary<string, string> ReadArguments(string[] args)
{
    var result = new Dictionary<string, string>(StringComparer.Ordinal);
    for (var i = 0; i + 1 < args.Length; i += 2)
    {
        result[args[i].TrimStart('-')] = args[i + 1];
    }

    return result;
}
