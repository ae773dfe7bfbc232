namespace Keap.ServiceAccount;

/// <summary>
/// Declares a method of your own Refit interface (registered with
/// <see cref="KeapServiceAccountBuilder.AddApiClient{TApi}"/>) safe to send again after a 5xx, an attempt timeout or a
/// lost connection, because applying it twice changes nothing (adding contacts to a sequence, applying a tag, setting
/// a value). Without it a POST or PATCH is sent once and its failure surfaces; GET, PUT, DELETE and the other methods
/// are repeated by HTTP's definition. Never put it on a write that adds something each time it arrives (a note, an
/// order, a contact created without a duplicate check). A 429 is repeated in any case: Keap refused it before doing
/// anything. For a request sent through a plain <see cref="HttpClient"/>, use
/// <see cref="KeapHttp.MarkKeapRepeatable(HttpRequestMessage)"/> instead.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class KeapRepeatableAttribute : Attribute;
