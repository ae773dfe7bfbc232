using ButtonPush.Data;
using Keap.ServiceAccount;
using Microsoft.Data.Sqlite;

namespace ButtonPush.Outbox;

/// <summary>Carries out one outbox row against Keap. Every job is idempotent, so a row run twice after a crash does no harm.</summary>
internal sealed class OutboxJobs(
    ButtonPushDatabase database,
    UserStore users,
    IKeapContactsClient contacts,
    IKeapTagsClient tags,
    TimeProvider time)
{
    public const string ButtonPushedTag = "buttonpushed";

    public async Task RunAsync(OutboxItem item, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(item.UserId, cancellationToken);
        string? contactId = null;
        if (user is not null)
        {
            contactId = item.Kind switch
            {
                OutboxKinds.UpsertContact => await UpsertContactAsync(user, cancellationToken),
                OutboxKinds.TagButtonPushed => await TagAsync(user, cancellationToken),
                _ => throw new InvalidOperationException($"Unknown outbox kind '{item.Kind}'."),
            };
        }

        // What Keap confirmed and the done mark land together: a crash in between would only repeat an idempotent call.
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        if (contactId is not null)
        {
            await UserStore.SetKeapContactIdAsync(transaction, item.UserId, contactId, now, cancellationToken);
            if (item.Kind == OutboxKinds.TagButtonPushed)
            {
                await UserStore.MarkTaggedAsync(transaction, item.UserId, now, cancellationToken);
            }
        }

        await OutboxStore.MarkDoneAsync(transaction, item.Id, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private async Task<string> UpsertContactAsync(AppUser user, CancellationToken cancellationToken)
    {
        var result = await contacts.UpsertByEmailAsync(new KeapContactInput { Email = user.Email, GivenName = user.Name }, cancellationToken);
        return result.Contact.Id;
    }

    private async Task<string> TagAsync(AppUser user, CancellationToken cancellationToken)
    {
        var contactId = await VerifiedContactIdAsync(user, cancellationToken);
        var tagId = await tags.GetOrCreateIdAsync(ButtonPushedTag, cancellationToken);
        await tags.ApplyAsync(tagId, [contactId], cancellationToken);
        return contactId;
    }

    /// <summary>
    /// The user's contact id, checked against Keap first: if Keap's data was reset or the contact deleted, the stored
    /// id may now be nobody's or someone else's, and tagging it would tag the wrong person. Then the contact is
    /// upserted again by email.
    /// </summary>
    private async Task<string> VerifiedContactIdAsync(AppUser user, CancellationToken cancellationToken)
    {
        if (user.KeapContactId is { } stored
            && await contacts.GetAsync(stored, cancellationToken) is { } contact
            && string.Equals(contact.Email, user.Email, StringComparison.OrdinalIgnoreCase))
        {
            return stored;
        }

        return await UpsertContactAsync(user, cancellationToken);
    }
}
