using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace Keap.ServiceAccount.Sandbox.Tests;

/// <summary>A started sandbox on a fake clock plus an HTTP client that does not follow redirects.</summary>
internal sealed class SandboxTestHost : IAsyncDisposable
{
    public const string ClientId = "test-client";
    public const string ClientSecret = "test-secret-value";
    public const string RedirectUri = "https://app.example/keap/callback";
    public const string ApiKey = "KeapAK-test-key";

    private SandboxTestHost(KeapSandboxServer server, FakeTimeProvider clock)
    {
        Server = server;
        Clock = clock;
        Http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.BaseAddress };
    }

    public KeapSandboxServer Server { get; }

    public FakeTimeProvider Clock { get; }

    public HttpClient Http { get; }

    public static async Task<SandboxTestHost> StartAsync(Action<KeapSandboxOptions>? configure = null)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        var server = await KeapSandboxServer.StartAsync(
            options =>
            {
                var client = new KeapSandboxApp { ClientId = ClientId, ClientSecret = ClientSecret };
                client.RedirectUris.Add(RedirectUri);
                options.Apps.Add(client);
                options.ServiceAccountKeys.Add(ApiKey);
                configure?.Invoke(options);
            },
            clock);
        return new SandboxTestHost(server, clock);
    }

    /// <summary>An API client authenticated with a freshly minted bearer token.</summary>
    public HttpClient Api()
    {
        var api = new HttpClient { BaseAddress = Server.ApiBaseAddress };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Server.IssueToken(ClientId).AccessToken);
        return api;
    }

    public Task<HttpResponseMessage> RefreshAsync(string refreshToken, string secret = ClientSecret)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Server.TokenEndpoint)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "refresh_token",
                ["refresh_token"] = refreshToken,
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{ClientId}:{secret}")));
        return Http.SendAsync(request);
    }

    public static async Task<JsonObject> JsonAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonObject>())!;

    public static async Task<string> CreateContactAsync(HttpClient api, string email, string given = "Ada")
    {
        var response = await api.PostAsJsonAsync("rest/v2/contacts", Contact(email, given));
        response.EnsureSuccessStatusCode();
        return (string)(await JsonAsync(response))["id"]!;
    }

    public static JsonObject Contact(string email, string given = "Ada", string family = "Lovelace") => new()
    {
        ["given_name"] = given,
        ["family_name"] = family,
        ["email_addresses"] = new JsonArray(new JsonObject { ["email"] = email, ["field"] = "EMAIL1" }),
    };

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
    }
}
