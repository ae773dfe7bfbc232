using System.Net;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Keap.ServiceAccount;
using Keap.ServiceAccount.Sandbox;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MyApp;

namespace ButtonPush.Tests.Docs;

/// <summary>The README's C# snippets are these compiled files, word for word, and they work.</summary>
public sealed class ReadmeSnippetsTests
{
    [Theory]
    [InlineData("KeapSync.cs")]
    [InlineData("KeapConnectEndpoints.cs")]
    public void The_README_shows_the_compiled_snippet_as_written(string file)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"ButtonPush.Tests.Docs.Snippets.{file}")!;
        var snippet = Normalize(new StreamReader(stream).ReadToEnd());

        Assert.Contains("```csharp\n" + snippet + "```", Normalize(File.ReadAllText(Readme())), StringComparison.Ordinal);
    }

    /// <summary>Every <c>Keap</c> settings block of the README names only settings that exist, with valid values.</summary>
    [Fact]
    public void The_README_settings_blocks_bind_without_unknown_keys()
    {
        var blocks = Regex.Matches(Normalize(File.ReadAllText(Readme())), "```json\n(.*?)```", RegexOptions.Singleline)
            .Select(m => m.Groups[1].Value)
            .Where(json => json.Contains("\"Keap\":", StringComparison.Ordinal))
            .ToList();
        Assert.True(blocks.Count >= 3, $"only {blocks.Count} Keap settings blocks found");

        foreach (var json in blocks)
        {
            using var stream = new MemoryStream(Encoding.UTF8.GetBytes(json));
            // A key completes the blocks that show one group alone; the OAuth blocks keep their own credentials.
            var section = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["Keap:ServiceAccountKey"] = "KeapAK-readme" })
                .AddJsonStream(stream)
                .Build()
                .GetSection("Keap");

            // A renamed or misspelt key would otherwise be ignored without a word.
            var bound = new KeapServiceAccountOptions();
            section.Bind(bound, o => o.ErrorOnUnknownConfiguration = true);

            var services = new ServiceCollection();
            services.AddKeapServiceAccount(section);
            using var provider = services.BuildServiceProvider();
            Assert.NotNull(provider.GetRequiredService<IOptions<KeapServiceAccountOptions>>().Value);
        }
    }

    [Fact]
    public async Task The_connect_snippet_connects_an_app_to_Keap()
    {
        await using var keap = await KeapSandboxServer.StartAsync();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddKeapServiceAccount(o =>
        {
            o.ClientId = "sandbox-client";
            o.ClientSecret = "sandbox-secret";
            o.RedirectUri = new Uri("http://127.0.0.1/admin/keap/callback");
            o.AuthorizeEndpoint = keap.AuthorizeEndpoint;
            o.TokenEndpoint = keap.TokenEndpoint;
            o.ApiBaseAddress = keap.ApiBaseAddress;
        });
        await using var app = builder.Build();
        app.MapGroup("/admin/keap").MapKeapConnect();
        await app.StartAsync();
        var baseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = baseAddress };

        using var connect = await browser.PostAsync(new Uri("/admin/keap/connect", UriKind.Relative), null);
        var consent = await browser.GetStringAsync(connect.Headers.Location);
        using var decision = await browser.PostAsync(connect.Headers.Location, new FormUrlEncodedContent(AppClient.ConsentForm(consent, "allow")));
        using var callback = await browser.GetAsync(new Uri(decision.Headers.Location!.PathAndQuery, UriKind.Relative));

        Assert.Equal("/admin?keap=Connected", callback.Headers.Location!.OriginalString);
        Assert.Equal(KeapConnectionState.Connected, (await app.Services.GetRequiredService<IKeapAuthorization>().GetStatusAsync()).State);
        await app.StopAsync();
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);

    private static string Readme()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Keap.ServiceAccount.sln")))
            {
                return Path.Combine(folder.FullName, "README.md");
            }
        }

        throw new InvalidOperationException("No repository root above the test output.");
    }
}
