using System.Reflection;
using Keap.ServiceAccount.Tests.Http;
using Microsoft.Extensions.DependencyInjection;
using MyApp;
using WireMock.RequestBuilders;

namespace Keap.ServiceAccount.Tests.Docs;

/// <summary>The README's "Any other Keap endpoint" example is this compiled file, word for word, and it works.</summary>
public sealed class ReadmeAnyEndpointTests
{
    private const string AddContactsPath = ApiHarness.BasePath + "/rest/v2/automations/12/sequences/3:addContacts";

    [Fact]
    public void The_README_shows_the_compiled_example_as_written()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Keap.ServiceAccount.Tests.Docs.Snippets.KeapSequences.cs")!;
        var snippet = Normalize(new StreamReader(stream).ReadToEnd());

        Assert.Contains("```csharp\n" + snippet + "```", Normalize(File.ReadAllText(Readme())), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_example_adds_contacts_to_a_sequence_and_reads_the_per_contact_results()
    {
        using var api = ApiHarness.Start(builder: b => b.AddApiClient<IKeapSequencesApi>());
        api.Server.Given(Request.Create().WithPath(AddContactsPath).UsingPost()).RespondWith(ApiHarness.Json(
            """{"add_to_automation_sequence_results":{"1":"SUCCESS","2":"ALREADY_IN_SEQUENCE","3":"CONTACT_DOES_NOT_EXIST","4":"FAILED"}}"""));
        var onboarding = new Onboarding(api.Services.GetRequiredService<IKeapSequencesApi>());

        var notAdded = await onboarding.StartWelcomeAsync(["1", "2", "3", "4"], CancellationToken.None);

        Assert.Equal(["3", "4"], notAdded.Order());
        var sent = Assert.Single(api.Requests).RequestMessage;
        Assert.Equal("""{"contact_ids":["1","2","3","4"]}""", sent.Body);
        Assert.Equal("Bearer secret-access-token-1", sent.Headers!["Authorization"].Single());
    }

    [Fact]
    public async Task The_example_is_repeated_after_a_503_because_it_is_declared_repeatable()
    {
        using var api = ApiHarness.Start(o => o.Api.Retry.MaxAttempts = 1, builder: b => b.AddApiClient<IKeapSequencesApi>());
        api.Server.Given(Request.Create().WithPath(AddContactsPath).UsingPost()).RespondWith(ApiHarness.Json("""{"code":"503","message":"Unavailable"}""", 503));

        var error = await Assert.ThrowsAsync<KeapApiException>(() => new Onboarding(api.Services.GetRequiredService<IKeapSequencesApi>()).StartWelcomeAsync(["1"], CancellationToken.None));

        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, error.StatusCode);
        Assert.Equal(2, api.Requests.Count);
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
