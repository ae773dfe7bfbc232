using System.Collections.Concurrent;
using System.Net;
using System.Runtime.CompilerServices;
using Keap.ServiceAccount;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace ButtonPush.Tests;

/// <summary>
/// An in-memory Keap behind the package's public interfaces, for outbox tests that need exact control over
/// failures. Counts every call and can be switched "down" (503) or "not connected".
/// </summary>
public sealed class FakeKeap : IKeapContactsClient, IKeapTagsClient, IKeapAuthorization, IKeapHookSubscriptions
{
    private int reconciles;

    private readonly ConcurrentDictionary<string, KeapContact> contactsByEmail = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, bool>> tagged = new();
    private readonly ConcurrentDictionary<string, string> tagIds = new();
    private int nextId = 100;
    private int upserts;
    private int applies;
    private int calls;
    private int reads;
    private int callsBeforeStart;
    private TaskCompletionSource? hold;
    private readonly TaskCompletionSource firstCall = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource callHeld = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IHostApplicationLifetime? lifetime;

    public bool Down { get; set; }

    /// <summary>Every call answers 429 (Keap's quota used up).</summary>
    public bool OutOfQuota { get; set; }

    /// <summary>applyTags answers NOT_FOUND for every contact (as Keap does for one deleted meanwhile).</summary>
    public bool ApplyAnswersNotFound { get; set; }

    public bool Connected { get; set; } = true;

    public int Upserts => Volatile.Read(ref upserts);

    public int Applies => Volatile.Read(ref applies);

    /// <summary>Every call to Keap, answered or refused (not connected, down, out of quota).</summary>
    public int Calls => Volatile.Read(ref calls);

    public IReadOnlyCollection<KeapContact> Contacts => [.. contactsByEmail.Values];

    /// <summary>Calls made while the app that made them had not finished starting (before ApplicationStarted).</summary>
    public int CallsBeforeStart => Volatile.Read(ref callsBeforeStart);

    /// <summary>Completes at the first call to Keap.</summary>
    public Task FirstCall => firstCall.Task;

    /// <summary>Completes when a call is waiting at the gate <see cref="HoldCalls"/> closed.</summary>
    public Task CallHeld => callHeld.Task;

    /// <summary>
    /// When true a held call ignores its cancellation token, as a process killed mid-call would never get to
    /// react to it; it then fails when <see cref="ReleaseCalls"/> opens the gate.
    /// </summary>
    public bool HeldCallsIgnoreCancellation { get; set; }

    /// <summary>Makes every call wait (from now on) until <see cref="ReleaseCalls"/>.</summary>
    public void HoldCalls()
    {
        callHeld = new(TaskCreationOptions.RunContinuationsAsynchronously);
        hold = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void ReleaseCalls() => Interlocked.Exchange(ref hold, null)?.TrySetResult();

    public void Register(IServiceCollection services)
    {
        services.RemoveAll<IKeapContactsClient>();
        services.RemoveAll<IKeapTagsClient>();
        services.RemoveAll<IKeapAuthorization>();
        services.RemoveAll<IKeapHookSubscriptions>();
        services.AddSingleton<IKeapContactsClient>(provider => Track(provider));
        services.AddSingleton<IKeapTagsClient>(provider => Track(provider));
        services.AddSingleton<IKeapAuthorization>(provider => Track(provider));
        services.AddSingleton<IKeapHookSubscriptions>(provider => Track(provider));
    }

    /// <summary>Calls of <see cref="ReconcileAsync"/> (the app subscribing to Keap's REST hooks).</summary>
    public int Reconciles => Volatile.Read(ref reconciles);

    /// <summary>The subscriptions Keap lists; <see cref="ReconcileAsync"/> makes one verified subscription per event key.</summary>
    public IReadOnlyList<string> HookEventKeys { get; set; } = ["contact.delete", "contact.edit", "contactGroup.removed"];

    public Task<IReadOnlyList<KeapHookSubscription>> ReconcileAsync(CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref reconciles);
        return ListAsync(cancellationToken);
    }

    public Task<IReadOnlyList<KeapHookSubscription>> ListAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<KeapHookSubscription>>([.. (Volatile.Read(ref reconciles) == 0 ? [] : HookEventKeys).Select((key, i) => new KeapHookSubscription
        {
            Key = (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
            EventKey = new KeapHookEventKey(key),
            HookUrl = new Uri($"http://127.0.0.1:5080/keap/hooks/secret-{i}"),
            Status = KeapHookStatus.Verified,
        })]);

    public bool HasTag(string contactId, string tagName) =>
        tagIds.TryGetValue(tagName, out var tagId) && tagged.TryGetValue(tagId, out var contacts) && contacts.ContainsKey(contactId);

    /// <summary>The email status Keap reports for every address (as an administrator or an unsubscribe would set it).</summary>
    public KeapEmailStatus EmailStatus { get; set; } = KeapEmailStatus.UnengagedMarketable;

    /// <summary>Calls that read a contact, its tags or its email status (what a hook event makes the app re-read).</summary>
    public int Reads => Volatile.Read(ref reads);

    /// <summary>Deletes a contact as an administrator would in Keap's web app.</summary>
    public void DeleteContact(string contactId)
    {
        foreach (var (email, contact) in contactsByEmail)
        {
            if (contact.Id == contactId)
            {
                contactsByEmail.TryRemove(email, out _);
            }
        }

        foreach (var contacts in tagged.Values)
        {
            contacts.TryRemove(contactId, out _);
        }
    }

    /// <summary>Removes a tag from a contact as an administrator would in Keap's web app.</summary>
    public void RemoveTag(string contactId, string tagName)
    {
        if (tagIds.TryGetValue(tagName, out var tagId) && tagged.TryGetValue(tagId, out var contacts))
        {
            contacts.TryRemove(contactId, out _);
        }
    }

    public async Task<KeapContactUpsertResult> UpsertByEmailAsync(KeapContactInput contact, CancellationToken cancellationToken = default)
    {
        await HeldAsync(cancellationToken);
        Gate();
        Interlocked.Increment(ref upserts);
        var created = false;
        var stored = contactsByEmail.GetOrAdd(contact.Email!, email =>
        {
            created = true;
            return new KeapContact { Id = Interlocked.Increment(ref nextId).ToString(System.Globalization.CultureInfo.InvariantCulture), Email = email, GivenName = contact.GivenName };
        });
        return new KeapContactUpsertResult { Contact = stored, Created = created };
    }

    public Task<string> GetOrCreateIdAsync(string name, CancellationToken cancellationToken = default)
    {
        Gate();
        return Task.FromResult(tagIds.GetOrAdd(name, _ => Interlocked.Increment(ref nextId).ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    public Task<KeapTagResults> ApplyAsync(string tagId, IEnumerable<string> contactIds, CancellationToken cancellationToken = default)
    {
        Gate();
        Interlocked.Increment(ref applies);
        var contacts = tagged.GetOrAdd(tagId, _ => new ConcurrentDictionary<string, bool>());
        var results = new List<KeapTagResult>();
        foreach (var id in contactIds.Distinct())
        {
            if (ApplyAnswersNotFound)
            {
                results.Add(new KeapTagResult { ContactId = id, Outcome = KeapTagOutcome.NotFound, KeapOutcome = "NOT_FOUND" });
                continue;
            }

            var added = contacts.TryAdd(id, true);
            results.Add(new KeapTagResult
            {
                ContactId = id,
                Outcome = added ? KeapTagOutcome.Succeeded : KeapTagOutcome.Unchanged,
                KeapOutcome = added ? "SUCCESS" : "DUPLICATE",
            });
        }

        return Task.FromResult(new KeapTagResults(tagId, results));
    }

    public Task<KeapConnectionStatus> GetStatusAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(new KeapConnectionStatus { State = Connected ? KeapConnectionState.Connected : KeapConnectionState.NotConnected, Account = Connected ? "fake.infusionsoft.com" : null });

    public Task<Uri> CreateAuthorizationUriAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(new Uri("https://keap.invalid/authorize?state=s1"));

    public async Task<KeapAuthorizationResult> CompleteAuthorizationAsync(KeapAuthorizationCallback callback, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var outcome = callback.Error == "access_denied" ? KeapAuthorizationOutcome.Denied
            : callback.State != "s1" ? KeapAuthorizationOutcome.InvalidState
            : KeapAuthorizationOutcome.Connected;
        Connected |= outcome == KeapAuthorizationOutcome.Connected;
        return new KeapAuthorizationResult(outcome, outcome.ToString(), await GetStatusAsync(cancellationToken));
    }

    public Task DisconnectAsync(CancellationToken cancellationToken = default)
    {
        Connected = false;
        return Task.CompletedTask;
    }

    public Task<KeapConnectionStatus> RefreshNowAsync(CancellationToken cancellationToken = default) => GetStatusAsync(cancellationToken);

    public Task<KeapContact> CreateAsync(KeapContactInput contact, CancellationToken cancellationToken = default) => throw Unused();

    public Task<KeapContact?> GetAsync(string contactId, CancellationToken cancellationToken = default)
    {
        Gate();
        Interlocked.Increment(ref reads);
        return Task.FromResult(contactsByEmail.Values.FirstOrDefault(c => c.Id == contactId));
    }

    public Task<KeapContact?> FindByEmailAsync(string email, CancellationToken cancellationToken = default) => throw Unused();

    public Task<IReadOnlyList<KeapContact>> FindAllByEmailAsync(string email, CancellationToken cancellationToken = default) => throw Unused();

    public Task<KeapContact> UpdateAsync(string contactId, KeapContactInput changes, CancellationToken cancellationToken = default) => throw Unused();

    public Task DeleteAsync(string contactId, CancellationToken cancellationToken = default) => throw Unused();

    IAsyncEnumerable<KeapContact> IKeapContactsClient.ListAllAsync(CancellationToken cancellationToken) => throw Unused();

    public IAsyncEnumerable<KeapContactPage> ListChangedSinceAsync(DateTimeOffset since, string? pageToken = null, CancellationToken cancellationToken = default) => throw Unused();

    public Task<KeapContactModel> GetModelAsync(CancellationToken cancellationToken = default) => throw Unused();

    public Task<KeapEmailAddressStatus?> GetEmailStatusAsync(string email, CancellationToken cancellationToken = default)
    {
        Gate();
        Interlocked.Increment(ref reads);
        return Task.FromResult(contactsByEmail.ContainsKey(email)
            ? new KeapEmailAddressStatus { Email = email, Status = EmailStatus, OptedIn = false }
            : null);
    }

    public Task<KeapEmailAddressStatus> SetEmailOptInAsync(string email, bool optedIn, string reason, CancellationToken cancellationToken = default) => throw Unused();

    IAsyncEnumerable<KeapTag> IKeapTagsClient.ListAllAsync(CancellationToken cancellationToken) => throw Unused();

    public Task<KeapTag?> FindByNameAsync(string name, CancellationToken cancellationToken = default) => throw Unused();

    public Task<KeapTag> CreateAsync(string name, string? description = null, CancellationToken cancellationToken = default) => throw Unused();

    public Task<KeapTagResults> RemoveAsync(string tagId, IEnumerable<string> contactIds, CancellationToken cancellationToken = default) => throw Unused();

    public async IAsyncEnumerable<KeapTag> ListForContactAsync(string contactId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        Gate();
        Interlocked.Increment(ref reads);
        if (!contactsByEmail.Values.Any(c => c.Id == contactId))
        {
            throw new KeapApiException("Contact not found.", HttpStatusCode.NotFound);
        }

        foreach (var (name, tagId) in tagIds)
        {
            if (tagged.TryGetValue(tagId, out var contacts) && contacts.ContainsKey(contactId))
            {
                yield return new KeapTag { Id = tagId, Name = name };
            }
        }
    }

    // The sample never calls these; failing loudly shows if that changes.
    private static InvalidOperationException Unused([CallerMemberName] string member = "") => new($"The sample is not expected to call {member}.");

    /// <summary>The app whose container resolved this fake last: calls are checked against its start.</summary>
    private FakeKeap Track(IServiceProvider provider)
    {
        lifetime = provider.GetRequiredService<IHostApplicationLifetime>();
        return this;
    }

    private async Task HeldAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref hold) is not { } gate)
        {
            return;
        }

        callHeld.TrySetResult();
        if (HeldCallsIgnoreCancellation)
        {
            await gate.Task;
            throw new HttpRequestException("The process that made this call was killed.");
        }

        await gate.Task.WaitAsync(cancellationToken);
    }

    private void Gate()
    {
        if (lifetime is { ApplicationStarted.IsCancellationRequested: false })
        {
            Interlocked.Increment(ref callsBeforeStart);
        }

        Interlocked.Increment(ref calls);
        firstCall.TrySetResult();
        if (!Connected)
        {
            throw new KeapAuthorizationException();
        }

        if (Down)
        {
            throw new KeapApiException("Keap is down.", HttpStatusCode.ServiceUnavailable);
        }

        if (OutOfQuota)
        {
            throw new KeapApiException("Quota Exceeded", HttpStatusCode.TooManyRequests);
        }
    }
}
