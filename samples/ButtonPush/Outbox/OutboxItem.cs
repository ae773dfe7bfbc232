namespace ButtonPush.Outbox;

/// <summary>
/// One outbox row; <see cref="UserId"/> is read from the JSON payload. Times are UTC. <see cref="WaitingFor"/> says what
/// the row waits for instead of failing (<see cref="OutboxWaits"/>); admin listings also fill <see cref="WaitingOnRow"/>
/// (an earlier open row of the same user that this one goes after), <see cref="UserEmail"/> and <see cref="Done"/>.
/// A row that applies a Keap hook event has <see cref="HookEventId"/> and no user (<see cref="UserId"/> 0).
/// </summary>
internal sealed record OutboxItem(
    long Id,
    string Kind,
    long UserId,
    int Attempts,
    DateTimeOffset NextAttemptAt,
    string? LastError,
    bool Parked,
    DateTimeOffset Created,
    string? WaitingFor = null,
    long? WaitingOnRow = null,
    string? UserEmail = null,
    DateTimeOffset? Done = null,
    DateTimeOffset? ClaimedUntil = null,
    long? HookEventId = null);

/// <summary>What a row can wait for without spending an attempt.</summary>
internal static class OutboxWaits
{
    /// <summary>An admin has to connect (or re-authorize) the app with Keap.</summary>
    public const string Connection = "connection";

    /// <summary>Keap's request quota is used up for now.</summary>
    public const string Quota = "quota";
}
