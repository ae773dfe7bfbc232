// Usage: --store file --path P --token-endpoint URI
//        --store postgres|sqlite --connection CS [--table T] --token-endpoint URI
//        Optional: --lease-seconds S (the refresh lease; the token request timeout becomes half of it).
// Commands on stdin: "get N" runs N concurrent GetAccessTokenAsync calls, "reject N T" runs N concurrent
// GetAccessTokenAfterRejectionAsync(T) calls (as after a 401); each prints "token <value>" or "error <state>" per call,
// then "done". "hold-lease" takes the store's refresh lease without ever releasing it and prints "leased" (or "busy"),
// to play a process that dies holding it. "status" prints "status <state> <last error>" from IKeapAuthorization.
// "exit" ends the process.
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
    if (arguments.TryGetValue("lease-seconds", out var leaseSeconds))
    {
        o.Refresh.LeaseDuration = TimeSpan.FromSeconds(int.Parse(leaseSeconds, System.Globalization.CultureInfo.InvariantCulture));
        o.Refresh.TokenRequestTimeout = o.Refresh.LeaseDuration / 2;
    }
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

    if (parts is ["hold-lease"])
    {
        var duration = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<KeapServiceAccountOptions>>().Value.Refresh.LeaseDuration;
        var lease = await provider.GetRequiredService<ITokenStore>().TryAcquireLeaseAsync("test-worker-holding-the-lease", duration);
        Console.WriteLine(lease is null ? "busy" : "leased");
        continue;
    }

    if (parts is ["status"])
    {
        var status = await provider.GetRequiredService<IKeapAuthorization>().GetStatusAsync();
        Console.WriteLine($"status {status.State} {status.LastError}");
        continue;
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
        case "postgres":
            builder.UseSqlTokenStore(Npgsql.NpgsqlDataSource.Create(arguments["connection"]), o => o.TableName = arguments.GetValueOrDefault("table", SqlTokenStoreOptions.DefaultTableName));
            break;
        case "sqlite":
            builder.UseSqlTokenStore(
                Microsoft.Data.Sqlite.SqliteFactory.Instance.CreateDataSource(arguments["connection"]),
                o => o.TableName = arguments.GetValueOrDefault("table", SqlTokenStoreOptions.DefaultTableName));
            break;
        default:
            throw new ArgumentException("--store must be one of: file, postgres, sqlite");
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
