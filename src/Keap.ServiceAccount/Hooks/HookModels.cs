namespace Keap.ServiceAccount.Hooks;

/// <summary>A REST hook subscription as Keap's v1 API returns it (<c>key</c> may come as a number).</summary>
internal sealed class HookDto
{
    public string? Key { get; set; }

    public string? EventKey { get; set; }

    public string? HookUrl { get; set; }

    public string? Status { get; set; }

    /// <summary>Whether this entry can be a subscription: a key and an absolute hook URL (as every one this package makes).</summary>
    public bool IsReadable => !string.IsNullOrEmpty(Key) && HttpUrl() is not null;

    public KeapHookSubscription ToSubscription() => new()
    {
        Key = string.IsNullOrEmpty(Key) ? throw new KeapApiException("Keap returned a REST hook without a key.") : Key,
        EventKey = new KeapHookEventKey(EventKey ?? string.Empty),
        HookUrl = HttpUrl() ?? throw new KeapApiException($"Keap returned REST hook {Key} without an absolute hook URL."),
        Status = new KeapHookStatus(Status ?? string.Empty),
    };

    // On Unix "/path" parses as an absolute file URI, so the scheme is checked too.
    private Uri? HttpUrl() =>
        Uri.TryCreate(HookUrl, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp) ? url : null;
}

/// <summary>The body of a subscription's creation or change.</summary>
internal sealed class HookWriteDto
{
    public required string EventKey { get; set; }

    public required string HookUrl { get; set; }
}
