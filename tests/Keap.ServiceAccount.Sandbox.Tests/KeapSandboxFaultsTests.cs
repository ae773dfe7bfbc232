using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using static Keap.ServiceAccount.Sandbox.Tests.SandboxTestHost;

namespace Keap.ServiceAccount.Sandbox.Tests;

public sealed class KeapSandboxFaultsTests
{
    [Theory]
    [InlineData(KeapSandboxFault.InternalServerError, HttpStatusCode.InternalServerError)]
    [InlineData(KeapSandboxFault.ServiceUnavailable, HttpStatusCode.ServiceUnavailable)]
    [InlineData(KeapSandboxFault.TooManyRequests, HttpStatusCode.TooManyRequests)]
    public async Task The_next_n_requests_of_a_route_fail_then_it_recovers(KeapSandboxFault fault, HttpStatusCode expected)
    {
        await using var host = await StartAsync();
        using var api = host.Api();
        host.Server.Faults.Inject("POST rest/v2/contacts", fault, count: 2);

        var first = await api.PostAsJsonAsync("rest/v2/contacts", Contact("a@example.com"));
        var other = await api.GetAsync("rest/v2/contacts");
        var second = await api.PostAsJsonAsync("rest/v2/contacts", Contact("a@example.com"));
        var third = await api.PostAsJsonAsync("rest/v2/contacts", Contact("a@example.com"));

        Assert.Equal(expected, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal(expected, second.StatusCode);
        Assert.Equal(HttpStatusCode.Created, third.StatusCode);
        Assert.Single(host.Server.State.Contacts);
    }

    [Fact]
    public async Task The_token_endpoint_can_answer_invalid_grant_without_spending_the_token()
    {
        await using var host = await StartAsync();
        var grant = host.Server.IssueToken(ClientId);
        host.Server.Faults.Inject(KeapSandboxFaults.TokenEndpoint, KeapSandboxFault.InvalidGrant);

        var faulted = await host.RefreshAsync(grant.RefreshToken);
        var real = await host.RefreshAsync(grant.RefreshToken);

        Assert.Equal(HttpStatusCode.BadRequest, faulted.StatusCode);
        Assert.Equal("invalid_grant", (string?)(await JsonAsync(faulted))["error"]);
        Assert.Equal(HttpStatusCode.OK, real.StatusCode);
        Assert.Equal(1, host.Server.State.InvalidGrants);
    }

    [Fact]
    public async Task The_token_endpoint_can_fail_with_a_server_error()
    {
        await using var host = await StartAsync();
        var grant = host.Server.IssueToken(ClientId);
        host.Server.Faults.Inject(KeapSandboxFaults.TokenEndpoint, KeapSandboxFault.ServiceUnavailable);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await host.RefreshAsync(grant.RefreshToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.RefreshAsync(grant.RefreshToken)).StatusCode);
    }

    [Fact]
    public async Task A_timeout_fault_hangs_until_the_client_gives_up()
    {
        await using var host = await StartAsync();
        using var api = host.Api();
        host.Server.Faults.Inject("GET rest/v2/contacts", KeapSandboxFault.Timeout);
        using var giveUp = new CancellationTokenSource();

        var hanging = api.GetAsync("rest/v2/contacts", giveUp.Token);
        // The request is in flight once the sandbox has counted it; no response can have come yet.
        await Eventually.TrueAsync("the sandbox has counted the request", () => host.Server.State.ApiRequestCount("GET rest/v2/contacts") > 0, pause: TimeSpan.FromMilliseconds(1));

        Assert.False(hanging.IsCompleted);
        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => hanging);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("rest/v2/contacts")).StatusCode);
    }

    [Fact]
    public async Task Clearing_drops_queued_faults()
    {
        await using var host = await StartAsync();
        using var api = host.Api();
        host.Server.Faults.Inject("GET rest/v2/contacts", KeapSandboxFault.InternalServerError, 5);

        host.Server.Faults.Clear();

        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("rest/v2/contacts")).StatusCode);
    }

    [Fact]
    public async Task Admin_endpoints_are_off_by_default()
    {
        await using var host = await StartAsync();

        var response = await host.Http.PostAsJsonAsync("sandbox/faults",
            new JsonObject { ["route"] = "GET rest/v2/contacts", ["fault"] = "InternalServerError" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Http.PostAsync("sandbox/reset", null)).StatusCode);
    }

    [Fact]
    public async Task Admin_endpoints_inject_faults_and_reset_when_enabled()
    {
        await using var host = await StartAsync(o => o.EnableAdminEndpoints = true);
        using var api = host.Api();
        await CreateContactAsync(api, "a@example.com");

        var injected = await host.Http.PostAsJsonAsync("sandbox/faults",
            new JsonObject { ["route"] = "GET rest/v2/contacts", ["fault"] = "ServiceUnavailable", ["count"] = 1 });
        var faulted = await api.GetAsync("rest/v2/contacts");
        var invalid = await host.Http.PostAsJsonAsync("sandbox/faults", new JsonObject { ["route"] = "x", ["fault"] = "Nope" });
        var reset = await host.Http.PostAsync("sandbox/reset", null);

        Assert.Equal(HttpStatusCode.NoContent, injected.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, faulted.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        Assert.Empty(host.Server.State.Contacts);
        Assert.Equal(0, host.Server.State.ApiRequests);
    }

    [Theory]
    [InlineData("POST rest/v2/contact")]
    [InlineData("POST /rest/v2/contacts")]
    [InlineData("GET rest/v2/contacts/{contactId}")]
    [InlineData("PUT rest/v2/contacts/{id}")]
    [InlineData("POST oauth/token")]
    public async Task A_route_key_that_matches_no_route_is_refused_with_the_routes_listed(string typo)
    {
        await using var host = await StartAsync();

        var error = Assert.Throws<ArgumentException>(() => host.Server.Faults.Inject(typo, KeapSandboxFault.ServiceUnavailable));

        Assert.Equal("route", error.ParamName);
        Assert.Contains($"'{typo}' is not a sandbox route", error.Message, StringComparison.Ordinal);
        Assert.Contains("GET rest/v2/contacts/{id}", error.Message, StringComparison.Ordinal);
        Assert.Contains(KeapSandboxFaults.TokenEndpoint, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_mapped_route_key_is_accepted_whatever_its_case()
    {
        await using var host = await StartAsync();
        using var api = host.Api();
        host.Server.Faults.Inject("get REST/V2/contacts/{id}", KeapSandboxFault.InternalServerError);
        host.Server.Faults.Inject("POST rest/v2/tags/{id}/contacts:applyTags", KeapSandboxFault.InternalServerError);

        Assert.Equal(HttpStatusCode.InternalServerError, (await api.GetAsync("rest/v2/contacts/1")).StatusCode);
    }

    [Fact]
    public async Task The_admin_endpoint_refuses_an_unknown_route()
    {
        await using var host = await StartAsync(o => o.EnableAdminEndpoints = true);

        var response = await host.Http.PostAsJsonAsync("sandbox/faults",
            new JsonObject { ["route"] = "GET rest/v2/contact", ["fault"] = "ServiceUnavailable" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("is not a sandbox route", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reset_drops_queued_faults()
    {
        await using var host = await StartAsync();
        host.Server.Faults.Inject("GET rest/v2/contacts", KeapSandboxFault.ServiceUnavailable, 3);
        host.Server.Faults.Inject(KeapSandboxFaults.TokenEndpoint, KeapSandboxFault.InvalidGrant);

        host.Server.State.Reset();

        // Reset forgets tokens too: a client made afterwards holds a valid one.
        using var api = host.Api();
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("rest/v2/contacts")).StatusCode);
        var grant = host.Server.IssueToken(ClientId);
        Assert.Equal(HttpStatusCode.OK, (await host.RefreshAsync(grant.RefreshToken)).StatusCode);
    }
}
