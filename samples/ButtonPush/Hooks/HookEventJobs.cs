using System.Net;
using ButtonPush.Data;
using ButtonPush.Outbox;
using Keap.ServiceAccount;
using Microsoft.Data.Sqlite;

namespace ButtonPush.Hooks;

/// <summary>
/// Applies one stored hook event (an outbox row of kind <see cref="OutboxKinds.ApplyHookEvent"/>). A delivery is an
/// unsigned hint, so whatever its event says, the job reads the contact's current state from Keap and stores that:
/// a contact Keap no longer has is forgotten (the next press re-creates and tags it), a tag event records whether
/// <c>buttonpushed</c> is still on it, a contact event refreshes its email status. Running it twice stores the same.
/// </summary>
internal sealed class HookEventJobs(
    ButtonPushDatabase database,
    HookEventStore events,
    UserStore users,
    IKeapContactsClient contacts,
    IKeapTagsClient tags,
    TimeProvider time)
{
    /// <summary>Outcome of an event about a contact no user of the app has.</summary>
    public const string NoUser = "no user";

    public async Task RunAsync(OutboxItem item, CancellationToken cancellationToken)
    {
        var hook = item.HookEventId is { } id ? await events.FindAsync(id, cancellationToken) : null;
        var (outcome, change) = hook is null ? ("no such hook event", null) : await ReadAsync(hook, cancellationToken);

        // What Keap said, the outcome and the done mark land together, as for the app's own rows.
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        if (change is not null)
        {
            await change(transaction, now);
        }

        if (hook is not null)
        {
            await HookEventStore.MarkAppliedAsync(transaction, hook.Id, outcome, now, cancellationToken);
        }

        await OutboxStore.MarkDoneAsync(transaction, item.Id, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Reads Keap's current state of the event's contact; returns the outcome and the change to store.</summary>
    private async Task<(string Outcome, Func<SqliteTransaction, long, Task>? Change)> ReadAsync(HookEvent hook, CancellationToken cancellationToken)
    {
        var isContactEvent = hook.EventKey == KeapHookEventKey.ContactAdd || hook.EventKey == KeapHookEventKey.ContactEdit || hook.EventKey == KeapHookEventKey.ContactDelete;
        var isTagEvent = hook.EventKey == KeapHookEventKey.ContactGroupApplied || hook.EventKey == KeapHookEventKey.ContactGroupRemoved;
        if (!isContactEvent && !isTagEvent)
        {
            // Other events name other objects (a tag's id for contactGroup.add), never a user's contact.
            return ($"{hook.EventKey} is not used by ButtonPush", null);
        }

        // Tag events name the contact too (object_type contactGroup, id = the contact's id).
        var contactId = hook.ObjectId;
        var owners = await users.EmailsOfContactAsync(contactId, cancellationToken);
        if (owners.Count == 0)
        {
            return (NoUser, null);
        }

        var who = string.Join(", ", owners);
        if (await contacts.GetAsync(contactId, cancellationToken) is not { } contact)
        {
            return Forget(contactId, who, cancellationToken);
        }

        if (isTagEvent)
        {
            bool tagged;
            try
            {
                tagged = await tags.ListForContactAsync(contactId, cancellationToken)
                    .AnyAsync(tag => string.Equals(tag.Name, OutboxJobs.ButtonPushedTag, StringComparison.Ordinal), cancellationToken);
            }
            catch (KeapApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
            {
                // Deleted between the two reads.
                return Forget(contactId, who, cancellationToken);
            }

            return tagged
                ? ($"{who}: still tagged {OutboxJobs.ButtonPushedTag}", (transaction, _) => UserStore.SetTagRemovedAsync(transaction, contactId, null, cancellationToken))
                : ($"{who}: tag {OutboxJobs.ButtonPushedTag} removed in Keap", (transaction, _) => UserStore.SetTagRemovedAsync(transaction, contactId, hook.ChangedAt.ToUnixTimeMilliseconds(), cancellationToken));
        }

        var status = contact.Email is { } email ? await contacts.GetEmailStatusAsync(email, cancellationToken) : null;
        var text = status is null ? "unknown to Keap" : status.Status.ToString();
        return ($"{who}: email status {text}", (transaction, now) => UserStore.SetEmailStatusAsync(transaction, contactId, text, now, cancellationToken));
    }

    private static (string, Func<SqliteTransaction, long, Task>) Forget(string contactId, string who, CancellationToken cancellationToken) =>
        ($"{who}: contact deleted in Keap, its id forgotten", (transaction, now) => UserStore.ForgetDeletedContactAsync(transaction, contactId, now, cancellationToken));
}
