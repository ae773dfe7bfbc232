using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Keap.ServiceAccount.Sandbox;

/// <summary>A contact as the sandbox holds it.</summary>
/// <param name="Id">The contact id.</param>
/// <param name="GivenName">The given name, if any.</param>
/// <param name="FamilyName">The family name, if any.</param>
/// <param name="EmailAddresses">The contact's email addresses.</param>
/// <param name="CreateTime">When it was created (sandbox clock).</param>
/// <param name="UpdateTime">When it was last changed (sandbox clock).</param>
public sealed record KeapSandboxContact(
    string Id, string? GivenName, string? FamilyName, IReadOnlyList<string> EmailAddresses,
    DateTimeOffset CreateTime, DateTimeOffset UpdateTime);

/// <summary>The opt-in status of one address.</summary>
/// <param name="Status">Keap's <c>email_opt_status</c> value.</param>
/// <param name="CreateTime">When the account first recorded a status for it.</param>
internal sealed record SandboxEmailStatus(string Status, DateTimeOffset CreateTime);

/// <summary>A tag as the sandbox holds it.</summary>
/// <param name="Id">The tag id.</param>
/// <param name="Name">The unique tag name.</param>
/// <param name="Description">The description, if any.</param>
public sealed record KeapSandboxTag(string Id, string Name, string? Description);

/// <summary>
/// The sandbox's data (contacts, tags, applied tags) and counters. Thread-safe; every read returns a snapshot.
/// With <see cref="KeapSandboxOptions.StateFile"/> set the data survives restarts; the counters start from zero.
/// </summary>
public sealed class KeapSandboxState(TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<string, long> _routeCounts = new(StringComparer.OrdinalIgnoreCase);
    private SandboxData _data = new();
    private long _tokenRequests;
    private long _codeExchanges;
    private long _refreshes;
    private long _invalidGrants;
    private long _apiRequests;
    private long _quotaRefusals;
    private long _spikeArrests;

    internal Lock Gate => _gate;

    internal SortedDictionary<long, JsonObject> ContactRecords => _data.Contacts;

    internal SortedDictionary<long, JsonObject> TagRecords => _data.Tags;

    internal Dictionary<long, Dictionary<long, DateTimeOffset>> TagsByContact => _data.TagsByContact;

    /// <summary>All the data (not the counters), as one object a state file can serialize.</summary>
    /// <remarks>Read and replace under <see cref="Gate"/>.</remarks>
    internal SandboxData Data
    {
        get => _data;
        set => _data = value;
    }

    /// <summary>The opt-in status of every address the account has seen, by address (case-insensitive).</summary>
    internal Dictionary<string, SandboxEmailStatus> EmailStatuses => _data.EmailStatuses;

    /// <summary>The contact custom fields, as <c>GET /v2/contacts/model</c> lists them.</summary>
    internal List<JsonObject> CustomFieldRecords => _data.CustomFields;

    /// <summary>Raised by <see cref="Reset"/> so token and quota bookkeeping start over too.</summary>
    internal event Action? Resetting;

    /// <summary>Raised after a change made through this class's own methods (requests are saved after they end), so a state file saves it.</summary>
    internal event Action? Changed;

    /// <summary>Requests to <c>/token</c>, whatever their outcome.</summary>
    public long TokenRequests => Interlocked.Read(ref _tokenRequests);

    /// <summary>Successful authorization-code exchanges.</summary>
    public long AuthorizationCodeExchanges => Interlocked.Read(ref _codeExchanges);

    /// <summary>Successful refreshes (each one rotated a refresh token).</summary>
    public long Refreshes => Interlocked.Read(ref _refreshes);

    /// <summary><c>invalid_grant</c> answers, including spent refresh tokens presented again.</summary>
    public long InvalidGrants => Interlocked.Read(ref _invalidGrants);

    /// <summary>Requests to the API (v2, and v1's REST hook endpoints), whatever their outcome.</summary>
    public long ApiRequests => Interlocked.Read(ref _apiRequests);

    /// <summary>API requests refused with 429 because the daily quota or a per-minute throttle was spent.</summary>
    public long QuotaRefusals => Interlocked.Read(ref _quotaRefusals);

    /// <summary>API requests refused with 429 by the spike arrest (too many in one second).</summary>
    public long SpikeArrests => Interlocked.Read(ref _spikeArrests);

    /// <summary>The contacts, ordered by id.</summary>
    public IReadOnlyList<KeapSandboxContact> Contacts
    {
        get
        {
            lock (_gate)
            {
                return [.. _data.Contacts.Values.Select(ToContact)];
            }
        }
    }

    /// <summary>The tags, ordered by id.</summary>
    public IReadOnlyList<KeapSandboxTag> Tags
    {
        get
        {
            lock (_gate)
            {
                return [.. _data.Tags.Values.Select(t => new KeapSandboxTag(
                    (string)t["id"]!, (string)t["name"]!, (string?)t["description"]))];
            }
        }
    }

    /// <summary>Requests to one API route. The key is <c>"{METHOD} rest/{version}/{template}"</c> whether the
    /// request came under <c>/crm/rest</c> or <c>/rest</c>, e.g. <c>"POST rest/v2/contacts"</c>,
    /// <c>"GET rest/v2/contacts/{id}"</c>, <c>"POST rest/v2/tags/{id}/contacts:applyTags"</c>, <c>"GET rest/v1/hooks"</c>.</summary>
    /// <param name="route">The route key.</param>
    /// <returns>The count so far.</returns>
    public long ApiRequestCount(string route) => _routeCounts.GetValueOrDefault(route);

    /// <summary>The ids of the tags applied to a contact.</summary>
    /// <param name="contactId">The contact id.</param>
    /// <returns>The tag ids, empty when the contact has none or does not exist.</returns>
    public IReadOnlyList<string> TagIdsOf(string contactId)
    {
        ArgumentNullException.ThrowIfNull(contactId);
        lock (_gate)
        {
            return long.TryParse(contactId, out var id) && _data.TagsByContact.TryGetValue(id, out var tags)
                ? [.. tags.Keys.Order().Select(Id)]
                : [];
        }
    }

    /// <summary>
    /// Defines a contact custom field, as a Keap user would in the account settings; it then appears in
    /// <c>GET /v2/contacts/model</c> and may be written in a contact's <c>custom_fields</c>.
    /// </summary>
    /// <param name="label">The label Keap shows, for example <c>"Favorite Color"</c>.</param>
    /// <param name="fieldType">Keap's <c>field_type</c>, for example <c>TEXT</c>, <c>WHOLE_NUMBER</c>, <c>DATE</c>, <c>YES_NO</c> or <c>DROPDOWN</c>.</param>
    /// <param name="options">The choices of a dropdown, radio or list box field.</param>
    /// <returns>The new field's id.</returns>
    public string AddCustomField(string label, string fieldType, params string[] options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(label);
        ArgumentException.ThrowIfNullOrWhiteSpace(fieldType);
        ArgumentNullException.ThrowIfNull(options);
        string id;
        lock (_gate)
        {
            id = Id(NextId());
            var number = _data.CustomFields.Count + 1;
            _data.CustomFields.Add(new JsonObject
            {
                ["id"] = id,
                ["label"] = label,
                ["field_type"] = fieldType,
                ["record_type"] = "CONTACT",
                ["field_name"] = "custom" + Id(number),
                ["group_id"] = "1",
                ["group_name"] = "Custom Fields",
                ["options"] = new JsonArray([.. options.Select((o, i) => new JsonObject { ["id"] = $"{id}-{Id(i + 1)}", ["label"] = o })]),
            });
        }

        Changed?.Invoke();
        return id;
    }

    /// <summary>The opt-in status of an email address (for example <c>SINGLE_OPT_IN</c>), or <see langword="null"/> when the account has never seen it.</summary>
    /// <param name="email">The address.</param>
    /// <returns>Keap's <c>email_opt_status</c> value.</returns>
    public string? EmailStatusOf(string email)
    {
        ArgumentNullException.ThrowIfNull(email);
        lock (_gate)
        {
            return _data.EmailStatuses.GetValueOrDefault(email)?.Status;
        }
    }

    /// <summary>
    /// Sets an address's opt-in status as if the person or Keap had acted, for example <c>LIST_UNSUBSCRIBE</c> (the
    /// person unsubscribed) or <c>HARD_BOUNCE</c>.
    /// </summary>
    /// <param name="email">The address.</param>
    /// <param name="status">Keap's <c>email_opt_status</c> value.</param>
    public void SetEmailStatus(string email, string status)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(email);
        ArgumentException.ThrowIfNullOrWhiteSpace(status);
        lock (_gate)
        {
            var existing = _data.EmailStatuses.GetValueOrDefault(email);
            _data.EmailStatuses[email] = new SandboxEmailStatus(status, existing?.CreateTime ?? time.GetUtcNow());
        }

        Changed?.Invoke();
    }

    /// <summary>Forgets all contacts, tags, custom fields, email statuses, tokens, counters and quota usage (and saves the empty state to the state file, if any).</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _data = new SandboxData();
        }

        _routeCounts.Clear();
        Interlocked.Exchange(ref _tokenRequests, 0);
        Interlocked.Exchange(ref _codeExchanges, 0);
        Interlocked.Exchange(ref _refreshes, 0);
        Interlocked.Exchange(ref _invalidGrants, 0);
        Interlocked.Exchange(ref _apiRequests, 0);
        Interlocked.Exchange(ref _quotaRefusals, 0);
        Interlocked.Exchange(ref _spikeArrests, 0);
        Resetting?.Invoke();
        Changed?.Invoke();
    }

    internal static string Id(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <remarks>Call under <see cref="Gate"/>.</remarks>
    internal long NextId() => _data.NextId++;

    /// <summary>Raises <see cref="Changed"/> after a change made outside a request (a hook turned Inactive), so a state file saves it.</summary>
    internal void NotifyChanged() => Changed?.Invoke();

    internal void CountTokenRequest() => Interlocked.Increment(ref _tokenRequests);

    internal void CountCodeExchange() => Interlocked.Increment(ref _codeExchanges);

    internal void CountRefresh() => Interlocked.Increment(ref _refreshes);

    internal void CountInvalidGrant() => Interlocked.Increment(ref _invalidGrants);

    internal void CountApiRequest(string route)
    {
        Interlocked.Increment(ref _apiRequests);
        _routeCounts.AddOrUpdate(route, 1, (_, n) => n + 1);
    }

    internal void CountRefusal(Api.SandboxAdmission admission) =>
        Interlocked.Increment(ref admission == Api.SandboxAdmission.SpikeArrest ? ref _spikeArrests : ref _quotaRefusals);

    private static KeapSandboxContact ToContact(JsonObject c) => new(
        (string)c["id"]!,
        (string?)c["given_name"],
        (string?)c["family_name"],
        [.. (c["email_addresses"] as JsonArray ?? []).Select(e => (string?)e?["email"]).OfType<string>()],
        DateTimeOffset.Parse((string)c["create_time"]!, System.Globalization.CultureInfo.InvariantCulture),
        DateTimeOffset.Parse((string)c["update_time"]!, System.Globalization.CultureInfo.InvariantCulture));
}

/// <summary>
/// What the sandbox knows, apart from its counters: the records as the API stores them and the next id. A state
/// file serializes this object whole, so a field added here is kept across restarts without further work.
/// </summary>
internal sealed class SandboxData
{
    public SortedDictionary<long, JsonObject> Contacts { get; init; } = [];

    public SortedDictionary<long, JsonObject> Tags { get; init; } = [];

    /// <summary>Contact id → tag id → when the tag was applied.</summary>
    public Dictionary<long, Dictionary<long, DateTimeOffset>> TagsByContact { get; init; } = [];

    /// <summary>Opt-in status by address. Filled in place when read back, so the case-insensitive comparer stays.</summary>
    [JsonObjectCreationHandling(JsonObjectCreationHandling.Populate)]
    public Dictionary<string, SandboxEmailStatus> EmailStatuses { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The contact custom fields, as <c>GET /v2/contacts/model</c> lists them.</summary>
    public List<JsonObject> CustomFields { get; init; } = [];

    /// <summary>The REST hook subscriptions, in the order they were made.</summary>
    public List<SandboxHook> Hooks { get; init; } = [];

    public long NextId { get; set; } = 1;
}
