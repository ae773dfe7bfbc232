namespace Keap.ServiceAccount.Sandbox;

/// <summary>A failure the sandbox can play instead of a normal response.</summary>
public enum KeapSandboxFault
{
    /// <summary>500 Internal Server Error.</summary>
    InternalServerError,

    /// <summary>503 Service Unavailable.</summary>
    ServiceUnavailable,

    /// <summary>Never answers; the request hangs until the client gives up (or the sandbox stops).</summary>
    Timeout,

    /// <summary>400 <c>invalid_grant</c> (meant for the token endpoint).</summary>
    InvalidGrant,

    /// <summary>429 <c>Quota Exceeded</c>.</summary>
    TooManyRequests,

    /// <summary>
    /// A list route (for example <c>"GET rest/v2/contacts"</c>) answers normally but gives the token of the page it
    /// served as <c>next_page_token</c>, so a client that follows tokens blindly never ends.
    /// </summary>
    RepeatPageToken,
}

/// <summary>
/// Queues faults for the next requests of a route. Routes use the key format of
/// <see cref="KeapSandboxState.ApiRequestCount"/>: <c>"{METHOD} rest/v2/{template}"</c>, for example
/// <c>"POST rest/v2/contacts"</c> or <c>"GET rest/v2/contacts/{id}"</c>, and <see cref="TokenEndpoint"/>.
/// </summary>
public sealed class KeapSandboxFaults
{
    /// <summary>The route key of the OAuth token endpoint.</summary>
    public const string TokenEndpoint = "POST token";

    private readonly Dictionary<string, Queue<KeapSandboxFault>> _queued = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _gate = new();

    /// <summary>Makes the next <paramref name="count"/> requests of <paramref name="route"/> fail with <paramref name="fault"/>.</summary>
    /// <param name="route">The route key, e.g. <c>"POST rest/v2/contacts"</c> or <see cref="TokenEndpoint"/>.</param>
    /// <param name="fault">The failure to play.</param>
    /// <param name="count">How many consecutive requests fail.</param>
    public void Inject(string route, KeapSandboxFault fault, int count = 1)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(route);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        lock (_gate)
        {
            if (!_queued.TryGetValue(route, out var queue))
            {
                _queued[route] = queue = new Queue<KeapSandboxFault>();
            }

            for (var i = 0; i < count; i++)
            {
                queue.Enqueue(fault);
            }
        }
    }

    /// <summary>Drops every queued fault.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _queued.Clear();
        }
    }

    internal bool TryTake(string route, out KeapSandboxFault fault)
    {
        lock (_gate)
        {
            if (_queued.TryGetValue(route, out var queue) && queue.TryDequeue(out fault))
            {
                return true;
            }
        }

        fault = default;
        return false;
    }
}
