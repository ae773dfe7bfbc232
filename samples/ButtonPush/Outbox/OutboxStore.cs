using System.Text.Json;
using ButtonPush.Data;
using Microsoft.Data.Sqlite;

namespace ButtonPush.Outbox;

/// <summary>The <c>outbox</c> table: rows are added with the change that caused them and removed from the queue by marking them done.</summary>
internal sealed class OutboxStore(ButtonPushDatabase database, TimeProvider time)
{
    private const string Columns = "id, kind, payload, attempts, next_attempt_at, last_error, parked, created, waiting_for";

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
    /// Claims up to <paramref name="count"/> due rows by moving their next attempt to <paramref name="claimUntil"/>,
    /// so another worker (or this one after a crash) picks a row up again only once the claim has lapsed.
    /// </summary>
    public async Task<IReadOnlyList<OutboxItem>> ClaimDueAsync(int count, DateTimeOffset claimUntil, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            UPDATE outbox SET next_attempt_at = $until
            WHERE id IN (SELECT id FROM outbox WHERE done IS NULL AND parked = 0 AND next_attempt_at <= $now AND {NotBehindAnotherRow} ORDER BY id LIMIT $count)
            RETURNING {Columns};
            """;
        command.Parameters.AddWithValue("$until", claimUntil.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$now", time.GetUtcNow().ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$count", count);
        var items = await ReadItemsAsync(command, cancellationToken);
        // RETURNING gives no order guarantee; contacts must be upserted before their tags.
        return [.. items.OrderBy(item => item.Id)];
    }

    /// <summary>Marks a row done in <paramref name="transaction"/>, together with whatever the job stored.</summary>
    public static Task MarkDoneAsync(SqliteTransaction transaction, long id, long now, CancellationToken cancellationToken) =>
        transaction.ExecuteAsync("UPDATE outbox SET done = $now, last_error = NULL, waiting_for = NULL WHERE id = $id;", cancellationToken, ("$now", now), ("$id", id));

    public async Task RecordFailureAsync(long id, int attempts, DateTimeOffset nextAttemptAt, bool parked, string error, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE outbox SET attempts = $attempts, next_attempt_at = $next, parked = $parked, last_error = $error, waiting_for = NULL
            WHERE id = $id AND done IS NULL;
            """;
        command.Parameters.AddWithValue("$attempts", attempts);
        command.Parameters.AddWithValue("$next", nextAttemptAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$parked", parked);
        command.Parameters.AddWithValue("$error", error);
        command.Parameters.AddWithValue("$id", id);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Puts a row back to wait for <paramref name="waitingFor"/> until <paramref name="nextAttemptAt"/>, its attempts untouched.</summary>
    public async Task RecordWaitingAsync(long id, string waitingFor, DateTimeOffset nextAttemptAt, string note, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE outbox SET next_attempt_at = $next, waiting_for = $waiting, last_error = $note
            WHERE id = $id AND done IS NULL;
            """;
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

    /// <summary>Makes every row waiting for <paramref name="waitingFor"/> due now, for when it has arrived.</summary>
    public async Task MakeWaitingRowsDueAsync(string waitingFor, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE outbox SET next_attempt_at = $now WHERE done IS NULL AND parked = 0 AND waiting_for = $waiting AND next_attempt_at > $now;";
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
                reader.IsDBNull(8) ? null : reader.GetString(8)));
            if (reader.FieldCount > 9)
            {
                // Admin listings add the row waited on, the user's email and the delivery time.
                items[^1] = items[^1] with
                {
                    WaitingOnRow = reader.IsDBNull(9) ? null : reader.GetInt64(9),
                    UserEmail = reader.IsDBNull(10) ? null : reader.GetString(10),
                    Done = reader.IsDBNull(11) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(11)),
                };
            }
        }

        return items;
    }

    private sealed record OutboxPayload(long UserId);
}
