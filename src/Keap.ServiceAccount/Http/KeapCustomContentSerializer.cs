using System.Reflection;
using System.Text.Json;
using Refit;

namespace Keap.ServiceAccount.Http;

/// <summary>
/// The serializer of the application's own Refit interfaces: Keap's JSON options (<see cref="KeapHttp.JsonOptions"/>),
/// and a body of <c>null</c> refused like unreadable JSON, so that a call declared to return a model never returns
/// <see langword="null"/> in its place (Refit then maps the refusal to a <see cref="KeapApiException"/>).
/// </summary>
internal sealed class KeapCustomContentSerializer : IHttpContentSerializer
{
    public static readonly KeapCustomContentSerializer Instance = new();

    private readonly SystemTextJsonContentSerializer _inner = new(KeapHttp.JsonOptions);

    private KeapCustomContentSerializer()
    {
    }

    public HttpContent ToHttpContent<T>(T item) => _inner.ToHttpContent(item);

    public async Task<T?> FromHttpContentAsync<T>(HttpContent content, CancellationToken cancellationToken = default) =>
        await _inner.FromHttpContentAsync<T>(content, cancellationToken).ConfigureAwait(false)
            ?? throw new JsonException("The body was null where a value was expected.");

    public string? GetFieldNameForProperty(PropertyInfo propertyInfo) => _inner.GetFieldNameForProperty(propertyInfo);
}
