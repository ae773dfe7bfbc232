using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

namespace Keap.ServiceAccount.Tests.Tokens;

/// <summary>
/// Keap's /token on 127.0.0.1: rotates refresh tokens and rejects reuse with invalid_grant, like Keap.
/// Tokens carry a "SECRET" marker so tests can prove none leaks into logs.
/// </summary>
public sealed class FakeTokenEndpoint : IDisposable
{
    public const string ClientId = "client-id-1";
    public const string ClientSecret = "SECRET-client-secret";
    public const string Code = "SECRET-code-1";
    public const string Scope = "full|ab123.infusionsoft.com";

    private readonly Lock _gate = new();
    private readonly WireMockServer _server;
    private readonly ConcurrentQueue<Func<IRequestMessage, ResponseMessage?>> _scripted = new();
    private int _issued;
    private int _refreshCalls;

    public FakeTokenEndpoint()
    {
        _server = WireMockServer.Start();
        _server.Given(Request.Create().WithPath("/token").UsingPost()).RespondWith(Response.Create().WithCallback(Handle));
    }

    public Uri TokenUri => new($"{_server.Url}/token");

    public string? CurrentRefreshToken { get; set; }

    public int RefreshCalls => Volatile.Read(ref _refreshCalls);

    public ConcurrentBag<string> SpentRefreshTokensSent { get; } = [];

    public long ExpiresInSeconds { get; set; } = 86_400;

    /// <summary>Runs before a refresh is answered; may return a response to send instead.</summary>
    public void Enqueue(Func<IRequestMessage, ResponseMessage?> script) => _scripted.Enqueue(script);

    public void EnqueueStatus(int status, string body, string contentType = "application/json") =>
        Enqueue(_ => Reply(status, body, contentType));

    /// <summary>Issues a token pair as Keap would and makes its refresh token the only valid one.</summary>
    public (string AccessToken, string RefreshToken) Issue()
    {
        lock (_gate)
        {
            var n = ++_issued;
            var pair = ($"SECRET-at-{n}", $"SECRET-rt-{n}");
            CurrentRefreshToken = pair.Item2;
            return pair;
        }
    }

    public IReadOnlyList<string> RequestBodies => _server.LogEntries.Select(e => e.RequestMessage.Body ?? string.Empty).ToList();

    public IReadOnlyList<IDictionary<string, WireMockList<string>>?> RequestHeaders => _server.LogEntries.Select(e => e.RequestMessage.Headers).ToList();

    public void Dispose() => _server.Stop();

    public static ResponseMessage Reply(int status, string body, string contentType = "application/json") => new()
    {
        StatusCode = status,
        Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new(contentType) },
        BodyData = new BodyData { BodyAsString = body, DetectedBodyType = BodyType.String, Encoding = Encoding.UTF8 },
    };

    private ResponseMessage Handle(IRequestMessage request)
    {
        var form = ParseForm(request.Body ?? string.Empty);
        if (form.GetValueOrDefault("grant_type") == "refresh_token")
        {
            Interlocked.Increment(ref _refreshCalls);
        }

        if (_scripted.TryDequeue(out var script) && script(request) is { } scripted)
        {
            return scripted;
        }

        lock (_gate)
        {
            switch (form.GetValueOrDefault("grant_type"))
            {
                case "authorization_code" when form.GetValueOrDefault("code") == Code
                    && form.GetValueOrDefault("client_secret") == ClientSecret:
                    return TokenReply(Issue());
                case "refresh_token":
                    var sent = form.GetValueOrDefault("refresh_token");
                    if (sent is not null && sent == CurrentRefreshToken)
                    {
                        return TokenReply(Issue());
                    }

                    if (sent is not null)
                    {
                        SpentRefreshTokensSent.Add(sent);
                    }

                    return Reply(400, """{"error":"invalid_grant","error_description":"Invalid refresh token"}""");
                default:
                    return Reply(400, """{"error":"invalid_grant","error_description":"Invalid authorization code"}""");
            }
        }
    }

    private ResponseMessage TokenReply((string AccessToken, string RefreshToken) pair) => Reply(200, JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["access_token"] = pair.AccessToken,
        ["token_type"] = "bearer",
        ["expires_in"] = ExpiresInSeconds,
        ["refresh_token"] = pair.RefreshToken,
        ["scope"] = Scope,
    }));

    private static Dictionary<string, string> ParseForm(string body) => body
        .Split('&', StringSplitOptions.RemoveEmptyEntries)
        .Select(p => p.Split('=', 2))
        .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => p.Length > 1 ? Uri.UnescapeDataString(p[1].Replace('+', ' ')) : string.Empty);

    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
