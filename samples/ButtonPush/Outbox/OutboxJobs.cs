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

        // The contact ID and the done mark land together: a crash in between would only repeat an idempotent call.
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        if (item.Kind == OutboxKinds.UpsertContact && contactId is not null)
        {
            await UserStore.SetKeapContactIdAsync(transaction, item.UserId, contactId, cancellationToken);
        }

        await OutboxStore.MarkDoneAsync(transaction, item.Id, time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private async Task<string> UpsertContactAsync(AppUser user, CancellationToken cancellationToken)
    {
        var result = await contacts.UpsertByEmailAsync(new KeapContactInput { Email = user.Email, GivenName = user.Name }, cancellationToken);
        return result.Contact.Id;
    }

    private async Task<string> TagAsync(AppUser user, CancellationToken cancellationToken)
    {
        var contactId = user.KeapContactId ?? throw new ContactNotYetKnownException();
        var tagId = await tags.GetOrCreateIdAsync(ButtonPushedTag, cancellationToken);
        await tags.ApplyAsync(tagId, [contactId], cancellationToken);
        return contactId;
    }
}

/// <summary>The tag waits for the contact upsert; retried with the usual backoff.</summary>
internal sealed class ContactNotYetKnownException : Exception
{
    public ContactNotYetKnownException()
        : base("The user's Keap contact has not been created yet.")
    {
    }

    public ContactNotYetKnownException(string message)
        : base(message)
    {
    }

    public ContactNotYetKnownException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
