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
/// <see cref="KeapSandboxState.ApiRequestCount"/>: <c>"{METHOD} rest/{version}/{template}"</c>, for example
/// <c>"POST rest/v2/contacts"</c>, <c>"GET rest/v2/contacts/{id}"</c> or <c>"POST rest/v1/hooks"</c>, and <see cref="TokenEndpoint"/>.
/// <see cref="KeapSandboxState.Reset"/> drops every queued fault too.
/// </summary>
public sealed class KeapSandboxFaults
{
    /// <summary>The route key of the OAuth token endpoint.</summary>
    public const string TokenEndpoint = "POST token";

    private readonly Dictionary<string, Queue<KeapSandboxFault>> _queued = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<Func<IEnumerable<string>>> _routeSources = [];
    private readonly Lock _gate = new();

    internal KeapSandboxFaults(KeapSandboxState state)
    {
        state.Resetting += Clear;
    }

    /// <summary>Makes the next <paramref name="count"/> requests of <paramref name="route"/> fail with <paramref name="fault"/>.</summary>
    /// <param name="route">The route key, e.g. <c>"POST rest/v2/contacts"</c> or <see cref="TokenEndpoint"/> (case-insensitive).</param>
    /// <param name="fault">The failure to play.</param>
    /// <param name="count">How many consecutive requests fail.</param>
    /// <exception cref="ArgumentException"><paramref name="route"/> is not the key of a mapped sandbox route (the message lists them).</exception>
    /// <exception cref="InvalidOperationException">The sandbox's routes are not mapped yet (<c>MapKeapSandbox</c>).</exception>
    public void Inject(string route, KeapSandboxFault fault, int count = 1)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(route);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);

        // A mistyped key would otherwise queue a fault that never fires, and the test meant to see it passes anyway.
        var routes = MappedRoutes();
        if (!routes.Contains(route))
        {
            throw new ArgumentException($"'{route}' is not a sandbox route. Routes: {string.Join(", ", routes.Order(StringComparer.Ordinal))}.", nameof(route));
        }

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

    /// <summary>Adds the route keys of endpoints mapped by <c>MapKeapSandbox</c>; read on use, once the endpoints exist.</summary>
    internal void AddRoutes(Func<IEnumerable<string>> routes)
    {
        lock (_gate)
        {
            _routeSources.Add(routes);
        }
    }

    private HashSet<string> MappedRoutes()
    {
        Func<IEnumerable<string>>[] sources;
        lock (_gate)
        {
            sources = [.. _routeSources];
        }

        if (sources.Length == 0)
        {
            throw new InvalidOperationException("Map the sandbox (app.MapKeapSandbox()) before injecting faults: route keys are checked against its routes.");
        }

        return new HashSet<string>(sources.SelectMany(source => source()).Append(TokenEndpoint), StringComparer.OrdinalIgnoreCase);
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
