using System.Text.Json;
using ButtonPush.Data;
using Microsoft.Data.Sqlite;

namespace ButtonPush.Outbox;

/// <summary>The <c>outbox</c> table: rows are added with the change that caused them and removed from the queue by marking them done.</summary>
internal sealed class OutboxStore(ButtonPushDatabase database, TimeProvider time)
{
    private const string Columns = "id, kind, payload, attempts, next_attempt_at, last_error, parked, created, waiting_for, claim";

    // A row goes only after every earlier open row of the same user (its contact before its tag), so it never
    // runs, fails or spends an attempt while what it needs is still on its way.
    private const string NotBehindAnotherRow = """
        NOT EXISTS (SELECT 1 FROM outbox earlier
                    WHERE earlier.done IS NULL AND earlier.id < outbox.id
                      AND json_extract(earlier.payload, '$.UserId') = json_extract(outbox.payload, '$.UserId'))
        """;

    public static Task EnqueueAsync(SqliteTransaction transaction, string kind, long userId, long now, CancellationToken cancellationToken) =>
        transaction.ExecuteAsync(
            "INSERT INTO outbox (kind, payload, attempts, next_attempt_at, parked, created) VALUES ($kind, $payload, 0, $now, 0, $now);",
            cancellationToken,
            ("$kind", kind),
            ("$payload", JsonSerializer.Serialize(new OutboxPayload(userId))),
            ("$now", now));

    /// <summary>
    /// The payload of a row that applies a stored hook event. It names no user, so hook rows neither wait behind a
    /// user's rows nor hold them up: each one re-reads Keap's current state, so their order does not matter.
    /// </summary>
    public static string HookEventPayload(long hookEventId) => JsonSerializer.Serialize(new HookEventRowPayload(hookEventId));

    /// <summary>Up to <paramref name="count"/> rows that may run now (due, unparked, not behind another row of their user), oldest first, unclaimed.</summary>
    public async Task<IReadOnlyList<OutboxItem>> ListDueAsync(int count, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {Columns} FROM outbox
            WHERE done IS NULL AND parked = 0 AND next_attempt_at <= $now AND {NotBehindAnotherRow}
            ORDER BY id LIMIT $count;
            """;
        command.Parameters.AddWithValue("$now", time.GetUtcNow().ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$count", count);
        return await ReadItemsAsync(command, cancellationToken);
    }

    /// <summary>
    /// Claims one row for <paramref name="claim"/> until <paramref name="claimUntil"/> if it is still due, so no other
    /// worker runs it meanwhile; <see langword="null"/> when another worker got it first or it is no longer due.
    /// </summary>
    public async Task<OutboxItem?> TryClaimAsync(long id, string claim, DateTimeOffset claimUntil, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            UPDATE outbox SET next_attempt_at = $until, claim = $claim
            WHERE id = $id AND done IS NULL AND parked = 0 AND next_attempt_at <= $now
            RETURNING {Columns};
            """;
        command.Parameters.AddWithValue("$until", claimUntil.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$claim", claim);
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$now", time.GetUtcNow().ToUnixTimeMilliseconds());
        return (await ReadItemsAsync(command, cancellationToken)).SingleOrDefault();
    }

    /// <summary>Moves the end of <paramref name="claim"/> on a row still running to <paramref name="claimUntil"/>; false when the claim is no longer held.</summary>
    public async Task<bool> RenewClaimAsync(long id, string claim, DateTimeOffset claimUntil, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE outbox SET next_attempt_at = $until WHERE id = $id AND claim = $claim AND done IS NULL;";
        command.Parameters.AddWithValue("$until", claimUntil.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$claim", claim);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Gives a row up (the worker is stopping): it is due again at once, for this or another instance.</summary>
    public async Task ReleaseAsync(long id, string claim, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE outbox SET next_attempt_at = $now, claim = NULL WHERE id = $id AND claim = $claim AND done IS NULL;";
        command.Parameters.AddWithValue("$now", time.GetUtcNow().ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$claim", claim);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Marks a row done in <paramref name="transaction"/>, together with whatever the job stored.</summary>
    public static Task MarkDoneAsync(SqliteTransaction transaction, long id, long now, CancellationToken cancellationToken) =>
        transaction.ExecuteAsync("UPDATE outbox SET done = $now, last_error = NULL, waiting_for = NULL, claim = NULL WHERE id = $id;", cancellationToken, ("$now", now), ("$id", id));

    public async Task RecordFailureAsync(long id, int attempts, DateTimeOffset nextAttemptAt, bool parked, string error, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE outbox SET attempts = $attempts, next_attempt_at = $next, parked = $parked, last_error = $error, waiting_for = NULL, claim = NULL
            WHERE id = $id AND done IS NULL;
            """;
        command.Parameters.AddWithValue("$attempts", attempts);
        command.Parameters.AddWithValue("$next", nextAttemptAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$parked", parked);
        command.Parameters.AddWithValue("$error", error);
        command.Parameters.AddWithValue("$id", id);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Puts a row back to wait for <paramref name="waitingFor"/> until <paramref name="nextAttemptAt"/>, its attempts
    /// untouched: the row this worker holds with <paramref name="claim"/>, or (with <see langword="null"/>) a due row
    /// nobody holds, never one another worker is running.
    /// </summary>
    public async Task RecordWaitingAsync(long id, string? claim, string waitingFor, DateTimeOffset nextAttemptAt, string note, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE outbox SET next_attempt_at = $next, waiting_for = $waiting, last_error = $note, claim = NULL
            WHERE id = $id AND done IS NULL AND (claim IS $claim OR next_attempt_at <= $now);
            """;
        command.Parameters.AddWithValue("$claim", (object?)claim ?? DBNull.Value);
        command.Parameters.AddWithValue("$now", time.GetUtcNow().ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$next", nextAttemptAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$waiting", waitingFor);
        command.Parameters.AddWithValue("$note", note);
        command.Parameters.AddWithValue("$id", id);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Makes a parked or waiting row due now with a fresh attempt budget; false when it is already done.</summary>
    public async Task<bool> RetryAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE outbox SET parked = 0, attempts = 0, next_attempt_at = $now WHERE id = $id AND done IS NULL;";
        command.Parameters.AddWithValue("$now", time.GetUtcNow().ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$id", id);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>
    /// Makes every row waiting for <paramref name="waitingFor"/> due now, for when it has arrived; the wait and its
    /// note go too, so the admin panel does not show a wait that is over.
    /// </summary>
    public async Task MakeWaitingRowsDueAsync(string waitingFor, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE outbox SET next_attempt_at = MIN(next_attempt_at, $now), waiting_for = NULL, last_error = NULL
            WHERE done IS NULL AND parked = 0 AND waiting_for = $waiting;
            """;
        command.Parameters.AddWithValue("$waiting", waitingFor);
        command.Parameters.AddWithValue("$now", time.GetUtcNow().ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Rows not yet done (pending and parked), oldest first, with the user's email and the row each waits on.</summary>
    public async Task<IReadOnlyList<OutboxItem>> ListOpenAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {Columns},
                   (SELECT MAX(earlier.id) FROM outbox earlier
                    WHERE earlier.done IS NULL AND earlier.id < outbox.id
                      AND json_extract(earlier.payload, '$.UserId') = json_extract(outbox.payload, '$.UserId')),
                   (SELECT email FROM users WHERE users.id = json_extract(outbox.payload, '$.UserId')),
                   done
            FROM outbox WHERE done IS NULL ORDER BY id;
            """;
        return await ReadItemsAsync(command, cancellationToken);
    }

    /// <summary>The most recently delivered rows, newest first, with the user's email.</summary>
    public async Task<IReadOnlyList<OutboxItem>> ListDeliveredAsync(int count, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {Columns}, NULL, (SELECT email FROM users WHERE users.id = json_extract(outbox.payload, '$.UserId')), done
            FROM outbox WHERE done IS NOT NULL ORDER BY done DESC, id DESC LIMIT $count;
            """;
        command.Parameters.AddWithValue("$count", count);
        return await ReadItemsAsync(command, cancellationToken);
    }

    /// <summary>When the next row that may run (open, unparked, not behind another row) falls due, if any.</summary>
    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT MIN(next_attempt_at) FROM outbox WHERE done IS NULL AND parked = 0 AND {NotBehindAnotherRow};";
        return await command.ExecuteScalarAsync(cancellationToken) is long next ? DateTimeOffset.FromUnixTimeMilliseconds(next) : null;
    }

    private static async Task<List<OutboxItem>> ReadItemsAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var items = new List<OutboxItem>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var payload = JsonSerializer.Deserialize<OutboxPayload>(reader.GetString(2))!;
            items.Add(new OutboxItem(
                reader.GetInt64(0),
                reader.GetString(1),
                payload.UserId,
                reader.GetInt32(3),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.GetBoolean(6),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7)),
                reader.IsDBNull(8) ? null : reader.GetString(8),
                // A claimed row's next attempt is when its claim lapses.
                ClaimedUntil: reader.IsDBNull(9) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
                HookEventId: payload.HookEventId));
            if (reader.FieldCount > 10)
            {
                // Admin listings add the row waited on, the user's email and the delivery time.
                items[^1] = items[^1] with
                {
                    WaitingOnRow = reader.IsDBNull(10) ? null : reader.GetInt64(10),
                    UserEmail = reader.IsDBNull(11) ? null : reader.GetString(11),
                    Done = reader.IsDBNull(12) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(12)),
                };
            }
        }

        return items;
    }

    /// <summary>A row's payload: the user whose change it carries, or (user id 0) the hook event it applies.</summary>
    private sealed record OutboxPayload(long UserId, long? HookEventId = null);

    private sealed record HookEventRowPayload(long HookEventId);
}
