using ButtonPush.Outbox;
using Microsoft.Data.Sqlite;

namespace ButtonPush.Data;

/// <summary>Users and their presses. Every write that Keap must hear about adds its outbox row in the same transaction.</summary>
internal sealed class UserStore(ButtonPushDatabase database, TimeProvider time, OutboxSignal signal)
{
    private const int SqliteConstraint = 19;

    /// <summary>Creates the user and queues "upsert contact"; <see langword="null"/> when the email is taken.</summary>
    public async Task<AppUser?> CreateAsync(string email, string name, string passwordHash, bool isAdmin, bool marketingConsent, CancellationToken cancellationToken)
    {
        var clock = time.GetUtcNow();
        var now = clock.ToUnixTimeMilliseconds();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        long id;
        try
        {
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO users (email, name, password_hash, is_admin, marketing_consent_at, created)
                VALUES ($email, $name, $hash, $admin, $consent, $now)
                RETURNING id;
                """;
            insert.Parameters.AddWithValue("$email", email);
            insert.Parameters.AddWithValue("$name", name);
            insert.Parameters.AddWithValue("$hash", passwordHash);
            insert.Parameters.AddWithValue("$admin", isAdmin);
            insert.Parameters.AddWithValue("$consent", marketingConsent ? now : DBNull.Value);
            insert.Parameters.AddWithValue("$now", now);
            id = (long)(await insert.ExecuteScalarAsync(cancellationToken))!;
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == SqliteConstraint)
        {
            return null;
        }

        await OutboxStore.EnqueueAsync(transaction, OutboxKinds.UpsertContact, id, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        signal.Notify();
        return new AppUser(id, email, name, passwordHash, isAdmin, null, marketingConsent ? DateTimeOffset.FromUnixTimeMilliseconds(now) : null);
    }

    public async Task<AppUser?> FindByEmailAsync(string email, CancellationToken cancellationToken) =>
        await FindAsync("email = $key", email, cancellationToken);

    public async Task<AppUser?> FindByIdAsync(long id, CancellationToken cancellationToken) =>
        await FindAsync("id = $key", id, cancellationToken);

    /// <summary>Records the user's Keap contact and when Keap last confirmed it.</summary>
    public static Task SetKeapContactIdAsync(SqliteTransaction transaction, long userId, string contactId, long now, CancellationToken cancellationToken) =>
        transaction.ExecuteAsync(
            "UPDATE users SET keap_contact_id = $contact, keap_synced_at = $now, keap_contact_deleted_at = NULL WHERE id = $id;",
            cancellationToken,
            ("$contact", contactId),
            ("$now", now),
            ("$id", userId));

    /// <summary>Records when the <c>buttonpushed</c> tag reached the user's contact.</summary>
    public static Task MarkTaggedAsync(SqliteTransaction transaction, long userId, long now, CancellationToken cancellationToken) =>
        transaction.ExecuteAsync("UPDATE users SET keap_tagged_at = $now WHERE id = $id;", cancellationToken, ("$now", now), ("$id", userId));

    /// <summary>The users whose stored Keap contact is <paramref name="contactId"/> (normally one, or none).</summary>
    public async Task<IReadOnlyList<string>> EmailsOfContactAsync(string contactId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT email FROM users WHERE keap_contact_id = $contact ORDER BY id;";
        command.Parameters.AddWithValue("$contact", contactId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var emails = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            emails.Add(reader.GetString(0));
        }

        return emails;
    }

    /// <summary>
    /// Forgets a contact Keap no longer has: its id and the "tagged" mark go, so the user's next press creates and tags
    /// a contact again; <paramref name="now"/> is kept as when the app learnt of the deletion.
    /// </summary>
    public static Task<int> ForgetDeletedContactAsync(SqliteTransaction transaction, string contactId, long now, CancellationToken cancellationToken) =>
        transaction.ExecuteAsync(
            """
            UPDATE users SET keap_contact_id = NULL, keap_synced_at = NULL, keap_tagged_at = NULL, keap_tag_removed_at = NULL,
                             keap_email_status = NULL, keap_email_status_at = NULL, keap_contact_deleted_at = $now
            WHERE keap_contact_id = $contact;
            """,
            cancellationToken,
            ("$contact", contactId),
            ("$now", now));

    /// <summary>
    /// Records that Keap no longer shows the <c>buttonpushed</c> tag on the contact (at <paramref name="removedAt"/>, when
    /// Keap says it changed), for users the app had tagged; <see langword="null"/> clears it when the tag is back.
    /// </summary>
    public static Task SetTagRemovedAsync(SqliteTransaction transaction, string contactId, long? removedAt, CancellationToken cancellationToken) =>
        transaction.ExecuteAsync(
            "UPDATE users SET keap_tag_removed_at = $at WHERE keap_contact_id = $contact AND keap_tagged_at IS NOT NULL;",
            cancellationToken,
            ("$at", removedAt is { } at ? at : DBNull.Value),
            ("$contact", contactId));

    /// <summary>Stores the contact's email status as Keap reported it at <paramref name="now"/>.</summary>
    public static Task SetEmailStatusAsync(SqliteTransaction transaction, string contactId, string status, long now, CancellationToken cancellationToken) =>
        transaction.ExecuteAsync(
            "UPDATE users SET keap_email_status = $status, keap_email_status_at = $now WHERE keap_contact_id = $contact;",
            cancellationToken,
            ("$status", status),
            ("$now", now),
            ("$contact", contactId));

    /// <summary>The newest users first, with their press counts and what reached Keap.</summary>
    public async Task<IReadOnlyList<UserOverview>> ListAsync(int count, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT u.id, u.email, u.name, u.marketing_consent_at IS NOT NULL,
                   (SELECT COUNT(*) FROM presses p WHERE p.user_id = u.id),
                   u.keap_contact_id, u.keap_synced_at, u.keap_tagged_at,
                   u.keap_contact_deleted_at, u.keap_tag_removed_at, u.keap_email_status, u.keap_email_status_at
            FROM users u ORDER BY u.id DESC LIMIT $count;
            """;
        command.Parameters.AddWithValue("$count", count);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var users = new List<UserOverview>();
        while (await reader.ReadAsync(cancellationToken))
        {
            users.Add(new UserOverview(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetBoolean(3),
                reader.GetInt64(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                Time(reader, 6),
                Time(reader, 7),
                Time(reader, 8),
                Time(reader, 9),
                reader.IsDBNull(10) ? null : reader.GetString(10),
                Time(reader, 11)));
        }

        return users;
    }

    /// <summary>
    /// Records a press and returns the user's press count. A press of a user not (or no longer) tagged in Keap queues the
    /// tag, and first the contact when Keap no longer has it (deleted in Keap), unless such a row is already on its way.
    /// </summary>
    public async Task<long> PressAsync(long userId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await database.OpenAsync(cancellationToken);
        // BeginTransaction takes SQLite's write lock up front (BEGIN IMMEDIATE), so two concurrent
        // presses cannot both see a count of one.
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO presses (user_id, created) VALUES ($user, $now);
            SELECT (SELECT COUNT(*) FROM presses WHERE user_id = $user),
                   u.keap_contact_id IS NULL AND u.keap_contact_deleted_at IS NOT NULL AND NOT EXISTS (
                       SELECT 1 FROM outbox o WHERE o.done IS NULL AND o.kind = $upsert AND json_extract(o.payload, '$.UserId') = u.id),
                   u.keap_tagged_at IS NULL AND NOT EXISTS (
                       SELECT 1 FROM outbox o WHERE o.done IS NULL AND o.kind = $tag AND json_extract(o.payload, '$.UserId') = u.id)
            FROM users u WHERE u.id = $user;
            """;
        command.Parameters.AddWithValue("$user", userId);
        command.Parameters.AddWithValue("$now", now);
        command.Parameters.AddWithValue("$upsert", OutboxKinds.UpsertContact);
        command.Parameters.AddWithValue("$tag", OutboxKinds.TagButtonPushed);
        long count;
        bool upsert, tag;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            (count, upsert, tag) = (reader.GetInt64(0), reader.GetBoolean(1), reader.GetBoolean(2));
        }

        if (upsert)
        {
            await OutboxStore.EnqueueAsync(transaction, OutboxKinds.UpsertContact, userId, now, cancellationToken);
        }

        if (tag)
        {
            await OutboxStore.EnqueueAsync(transaction, OutboxKinds.TagButtonPushed, userId, now, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        if (upsert || tag)
        {
            signal.Notify();
        }

        return count;
    }

    public async Task<long> CountPressesAsync(long userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM presses WHERE user_id = $user;";
        command.Parameters.AddWithValue("$user", userId);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private async Task<AppUser?> FindAsync(string condition, object key, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT id, email, name, password_hash, is_admin, keap_contact_id, marketing_consent_at FROM users WHERE {condition};";
        command.Parameters.AddWithValue("$key", key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new AppUser(
            reader.GetInt64(0),
            reader.GetString(1),
            reader.GetString(2),
            reader.GetString(3),
            reader.GetBoolean(4),
            reader.IsDBNull(5) ? null : reader.GetString(5),
            Time(reader, 6));
    }

    private static DateTimeOffset? Time(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));
}
