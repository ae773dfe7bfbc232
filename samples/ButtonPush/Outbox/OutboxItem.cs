namespace ButtonPush.Outbox;

/// <summary>One outbox row; <see cref="UserId"/> is read from the JSON payload.</summary>
internal sealed record OutboxItem(
    long Id,
    string Kind,
    long UserId,
    int Attempts,
    DateTimeOffset NextAttemptAt,
    string? LastError,
    bool Parked,
    DateTimeOffset Created);
