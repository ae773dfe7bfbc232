using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using static Keap.ServiceAccount.Sandbox.Tests.SandboxTestHost;

namespace Keap.ServiceAccount.Sandbox.Tests;

/// <summary>A sandbox with a state file keeps what it knows (contacts, tags, grants) across restarts.</summary>
public sealed class SandboxStateFileTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "keap-sandbox-tests", Guid.NewGuid().ToString("N"));

    private string StateFile => Path.Combine(_folder, "sandbox.json");

    [Fact]
    public async Task A_restarted_sandbox_keeps_contacts_tags_and_tokens_and_numbers_on_from_where_it_was()
    {
        KeapSandboxTokenGrant spent, current;
        string contactId, tagId;
        await using (var first = await StartAsync(o => o.StateFile = StateFile))
        {
            spent = first.Server.IssueToken(ClientId);
            current = await TokenAsync(await first.RefreshAsync(spent.RefreshToken));
            using var api = Bearer(first, current.AccessToken);
            contactId = await CreateContactAsync(api, "ada@example.com");
            tagId = (string)(await JsonAsync(await api.PostAsJsonAsync("rest/v2/tags", new JsonObject { ["name"] = "buttonpushed" })))["id"]!;
            (await api.PostAsJsonAsync($"rest/v2/tags/{tagId}/contacts:applyTags", new JsonObject { ["contact_ids"] = new JsonArray(contactId) })).EnsureSuccessStatusCode();
            first.Server.State.AddCustomField("Favorite Color", "TEXT");
            first.Server.State.SetEmailStatus("ada@example.com", "LIST_UNSUBSCRIBE");
        }

        await using var second = await StartAsync(o => o.StateFile = StateFile);

        var contact = Assert.Single(second.Server.State.Contacts);
        Assert.Equal(contactId, contact.Id);
        Assert.Equal(["ada@example.com"], contact.EmailAddresses);
        Assert.Equal(tagId, Assert.Single(second.Server.State.Tags).Id);
        Assert.Equal([tagId], second.Server.State.TagIdsOf(contactId));
        Assert.Equal("LIST_UNSUBSCRIBE", second.Server.State.EmailStatusOf("ADA@example.com")); // still case-insensitive
        Assert.Equal("Favorite Color", (string?)Assert.Single(second.Server.State.CustomFieldRecords)["label"]);

        // The access token issued before the restart still works, and new ids follow the old ones.
        using var api2 = Bearer(second, current.AccessToken);
        var next = await CreateContactAsync(api2, "grace@example.com");
        Assert.True(long.Parse(next, System.Globalization.CultureInfo.InvariantCulture) > long.Parse(tagId, System.Globalization.CultureInfo.InvariantCulture));

        // The refresh token stays single use across the restart: the spent one is refused, the current one rotates.
        Assert.Equal(HttpStatusCode.BadRequest, (await second.RefreshAsync(spent.RefreshToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await second.RefreshAsync(current.RefreshToken)).StatusCode);
    }

    [Fact]
    public async Task A_consent_page_shown_before_a_restart_can_still_be_answered_after_it()
    {
        string page;
        await using (var first = await StartAsync(o => o.StateFile = StateFile))
        {
            page = await first.Http.GetStringAsync(
                $"{first.Server.AuthorizeEndpoint}?client_id={ClientId}&redirect_uri={Uri.EscapeDataString(RedirectUri)}&response_type=code&state=s1");
        }

        await using var second = await StartAsync(o => o.StateFile = StateFile);
        var form = System.Text.RegularExpressions.Regex.Matches(page, "<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">")
            .ToDictionary(m => m.Groups[1].Value, m => WebUtility.HtmlDecode(m.Groups[2].Value));
        form["decision"] = "allow";

        using var decision = await second.Http.PostAsync(second.Server.AuthorizeEndpoint, new FormUrlEncodedContent(form));

        Assert.Equal(HttpStatusCode.Redirect, decision.StatusCode);
        Assert.StartsWith(RedirectUri + "?code=", decision.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_file_holds_no_token_in_clear_and_only_its_owner_may_read_it()
    {
        await using var host = await StartAsync(o => o.StateFile = StateFile);
        var grant = host.Server.IssueToken(ClientId);
        var rotated = await TokenAsync(await host.RefreshAsync(grant.RefreshToken));

        var text = await File.ReadAllTextAsync(StateFile);

        Assert.Contains("Refresh", text, StringComparison.Ordinal);
        foreach (var secret in new[] { grant.AccessToken, grant.RefreshToken, rotated.AccessToken, rotated.RefreshToken, ClientSecret })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(StateFile));
        }

        Assert.Equal([StateFile], Directory.GetFiles(_folder)); // no temporary file left behind
    }

    [Fact]
    public async Task Reset_empties_the_file_too()
    {
        await using (var first = await StartAsync(o => o.StateFile = StateFile))
        {
            using var api = first.Api();
            await CreateContactAsync(api, "ada@example.com");
            first.Server.State.Reset();
        }

        await using var second = await StartAsync(o => o.StateFile = StateFile);

        Assert.Empty(second.Server.State.Contacts);
    }

    [Fact]
    public async Task A_file_that_is_not_a_state_file_stops_the_start_with_its_path()
    {
        Directory.CreateDirectory(_folder);
        await File.WriteAllTextAsync(StateFile, "{ not json");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(o => o.StateFile = StateFile));

        Assert.Contains(StateFile, error.Message, StringComparison.Ordinal);
        Assert.Contains("Delete it", error.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private static HttpClient Bearer(SandboxTestHost host, string accessToken)
    {
        var api = new HttpClient { BaseAddress = host.Server.ApiBaseAddress };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return api;
    }

    private static async Task<KeapSandboxTokenGrant> TokenAsync(HttpResponseMessage response)
    {
        response.EnsureSuccessStatusCode();
        var json = await JsonAsync(response);
        return new KeapSandboxTokenGrant((string)json["access_token"]!, (string)json["refresh_token"]!, (int)json["expires_in"]!, (string)json["scope"]!);
    }
}
