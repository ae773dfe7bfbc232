using ButtonPush.Data;
using ButtonPush.Outbox;
using Keap.ServiceAccount;
using Microsoft.Data.Sqlite;

namespace ButtonPush.Hooks;

/// <summary>
/// The <c>hook_events</c> table: each changed object of a Keap REST hook delivery, stored with the outbox row that
/// applies it, so the receiver can answer Keap as soon as both are committed and the outbox worker carries the rest
/// (retries, waiting for Keap) as it does for the app's own writes.
/// </summary>
internal sealed class HookEventStore(ButtonPushDatabase database, TimeProvider time)
{
    /// <summary>
    /// Stores every object of <paramref name="delivery"/> not stored before (by its delivery key) and queues it, in one
    /// transaction; returns how many were new. Statements are prepared once and reused, so a 1,000-object delivery is
    /// one commit of cheap inserts.
    /// </summary>
    public async Task<int> AddAsync(KeapHookDelivery delivery, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO hook_events (delivery_key, event_key, object_type, object_id, changed_at, received_at)
            VALUES ($key, $event, $type, $id, $changed, $now)
            ON CONFLICT (delivery_key) DO NOTHING
            RETURNING id;
            """;
        var key = insert.Parameters.Add("$key", SqliteType.Text);
        var id = insert.Parameters.Add("$id", SqliteType.Text);
        var changed = insert.Parameters.Add("$changed", SqliteType.Integer);
        insert.Parameters.AddWithValue("$event", delivery.EventKey.Value);
        insert.Parameters.AddWithValue("$type", delivery.ObjectType);
        insert.Parameters.AddWithValue("$now", now);
        insert.Prepare();

        await using var enqueue = connection.CreateCommand();
        enqueue.Transaction = transaction;
        enqueue.CommandText = "INSERT INTO outbox (kind, payload, attempts, next_attempt_at, parked, created) VALUES ($kind, $payload, 0, $now, 0, $now);";
        var payload = enqueue.Parameters.Add("$payload", SqliteType.Text);
        enqueue.Parameters.AddWithValue("$kind", OutboxKinds.ApplyHookEvent);
        enqueue.Parameters.AddWithValue("$now", now);
        enqueue.Prepare();

        var added = 0;
        foreach (var item in delivery.Objects)
        {
            key.Value = item.DeliveryKey;
            id.Value = item.Id;
            changed.Value = item.Timestamp.ToUnixTimeMilliseconds();
            if (await insert.ExecuteScalarAsync(cancellationToken) is long eventId)
            {
                payload.Value = OutboxStore.HookEventPayload(eventId);
                await enqueue.ExecuteNonQueryAsync(cancellationToken);
                added++;
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return added;
    }

    public async Task<HookEvent?> FindAsync(long id, CancellationToken cancellationToken) =>
        (await ListAsync("WHERE id = $id", ("$id", id), cancellationToken)).SingleOrDefault();

    /// <summary>The most recently received events, newest first.</summary>
    public Task<IReadOnlyList<HookEvent>> ListRecentAsync(int count, CancellationToken cancellationToken) =>
        ListAsync("ORDER BY id DESC LIMIT $count", ("$count", count), cancellationToken);

    /// <summary>Records, in the job's transaction, what applying the event did.</summary>
    public static Task MarkAppliedAsync(SqliteTransaction transaction, long id, string outcome, long now, CancellationToken cancellationToken) =>
        transaction.ExecuteAsync("UPDATE hook_events SET applied_at = $now, outcome = $outcome WHERE id = $id;", cancellationToken, ("$now", now), ("$outcome", outcome), ("$id", id));

    private async Task<IReadOnlyList<HookEvent>> ListAsync(string tail, (string Name, object Value) parameter, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT id, delivery_key, event_key, object_type, object_id, changed_at, received_at, applied_at, outcome FROM hook_events {tail};";
        command.Parameters.AddWithValue(parameter.Name, parameter.Value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var events = new List<HookEvent>();
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(new HookEvent(
                reader.GetInt64(0),
                reader.GetString(1),
                new KeapHookEventKey(reader.GetString(2)),
                reader.GetString(3),
                reader.GetString(4),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
                reader.IsDBNull(7) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7)),
                reader.IsDBNull(8) ? null : reader.GetString(8)));
        }

        return events;
    }
}

/// <summary>
/// One changed object of a hook delivery as stored: when it changed in Keap (<see cref="ChangedAt"/>), when the app
/// received it and when it was applied, all UTC, and what applying it did (<see cref="Outcome"/>).
/// </summary>
internal sealed record HookEvent(
    long Id,
    string DeliveryKey,
    KeapHookEventKey EventKey,
    string ObjectType,
    string ObjectId,
    DateTimeOffset ChangedAt,
    DateTimeOffset ReceivedAt,
    DateTimeOffset? AppliedAt,
    string? Outcome);
