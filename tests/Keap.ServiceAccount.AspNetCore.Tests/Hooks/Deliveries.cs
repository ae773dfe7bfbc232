using System.Net.Http.Headers;
using System.Text;

namespace Keap.ServiceAccount.AspNetCore.Tests.Hooks;

/// <summary>Delivery bodies and requests as Keap sends them.</summary>
internal static class Deliveries
{
    public const string ContactDelete = """
        {"event_key":"contact.delete","object_type":"contact","object_keys":[
          {"id":17,"apiUrl":"","timestamp":"2026-12-06T08:59:30.000Z"},
          {"id":"18","apiUrl":"https://api.example/crm/rest/v1/contacts/18","timestamp":"2026-12-06T10:59:31+02:00"}]}
        """;

    public static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    public static Task<HttpResponseMessage> PostAsync(HttpClient client, string body, string path = ReceiverHost.HookPath, CancellationToken cancellationToken = default) =>
        client.PostAsync(new Uri(path, UriKind.Relative), Json(body), cancellationToken);

    public static HttpRequestMessage Handshake(string path, string hookSecret)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = new ByteArrayContent([]) };
        request.Headers.Add("X-Hook-Secret", hookSecret);
        return request;
    }

    /// <summary>A body of unknown length: sent chunked, without Content-Length.</summary>
    public static HttpContent Chunked(string body)
    {
        var content = new StreamContent(new UnseekableStream(Encoding.UTF8.GetBytes(body)));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private sealed class UnseekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
