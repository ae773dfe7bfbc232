using System.Globalization;
using ButtonPush.Data;
using ButtonPush.Hooks;
using Keap.ServiceAccount;
using Microsoft.Data.Sqlite;

namespace ButtonPush.Outbox;

/// <summary>Carries out one outbox row against Keap. Every job is idempotent, so a row run twice after a crash does no harm.</summary>
internal sealed class OutboxJobs(
    ButtonPushDatabase database,
    UserStore users,
    IKeapContactsClient contacts,
    IKeapTagsClient tags,
    HookEventJobs hookEvents,
    TimeProvider time)
{
    public const string ButtonPushedTag = "buttonpushed";

    public async Task RunAsync(OutboxItem item, CancellationToken cancellationToken)
    {
        if (item.Kind == OutboxKinds.ApplyHookEvent)
        {
            await hookEvents.RunAsync(item, cancellationToken);
            return;
        }

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
        var result = await contacts.UpsertByEmailAsync(
            new KeapContactInput { Email = user.Email, GivenName = user.Name, EmailOptInReason = OptInReason(user) },
            cancellationToken);
        return result.Contact.Id;
    }

    /// <summary>
    /// Keap's opt-in reason for a user who ticked "email me" at sign-up; without one Keap keeps the address
    /// non-marketable (and an address that opted out stays out whatever the reason).
    /// </summary>
    internal static string? OptInReason(AppUser user) =>
        user.MarketingConsentAt is { } consented
            ? $"Ticked \"Email me ButtonPush news\" when signing up to ButtonPush on {consented.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}"
            : null;

    private async Task<string> TagAsync(AppUser user, CancellationToken cancellationToken)
    {
        var contactId = await VerifiedContactIdAsync(user, cancellationToken);
        var tagId = await tags.GetOrCreateIdAsync(ButtonPushedTag, cancellationToken);
        var result = (await tags.ApplyAsync(tagId, [contactId], cancellationToken)).Results.Single();
        if (result.Outcome == KeapTagOutcome.NotFound)
        {
            // Deleted between the check and the tag: make the contact again and tag that one.
            contactId = await UpsertContactAsync(user, cancellationToken);
            result = (await tags.ApplyAsync(tagId, [contactId], cancellationToken)).Results.Single();
        }

        // Only a contact that now has the tag counts as delivered; anything else is retried like a failed call.
        return result.Outcome is KeapTagOutcome.Succeeded or KeapTagOutcome.Unchanged
            ? contactId
            : throw new TagNotAppliedException($"Keap did not tag contact {contactId}: it answered {result.KeapOutcome ?? "nothing"} for it.");
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

/// <summary>Keap answered the tag call but did not tag the contact (its per-contact result said so); retried with the usual backoff.</summary>
internal sealed class TagNotAppliedException : Exception
{
    public TagNotAppliedException()
        : base("Keap did not tag the contact.")
    {
    }

    public TagNotAppliedException(string message)
        : base(message)
    {
    }

    public TagNotAppliedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
