using Keap.ServiceAccount.Http;

namespace Keap.ServiceAccount.Tests.Http;

public sealed class KeapRateLineTests
{
    [Fact]
    public async Task The_head_holds_the_line_the_next_caller_queues_and_gets_its_turn_when_the_head_is_done()
    {
        using var line = new KeapRateLine(queueLimit: 1);
        Assert.False(line.IsOccupied);

        var head = await line.JoinAsync(CancellationToken.None);
        var next = line.JoinAsync(CancellationToken.None);

        Assert.True(head.IsAcquired);
        Assert.True(line.IsOccupied);
        Assert.False(next.IsCompleted);
        Assert.Equal(1, line.QueuedCount);
        head.Dispose();
        line.Leave();
        using var turn = await next;
        Assert.True(turn.IsAcquired);
        Assert.Equal(0, line.QueuedCount);
        line.Leave();
        Assert.False(line.IsOccupied);
    }

    [Fact]
    public async Task A_full_line_refuses_at_once_and_a_cancelled_wait_leaves_it()
    {
        using var line = new KeapRateLine(queueLimit: 1);
        using var head = await line.JoinAsync(CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var waiting = line.JoinAsync(cancel.Token);

        using var refused = await line.JoinAsync(CancellationToken.None);
        await cancel.CancelAsync();

        Assert.False(refused.IsAcquired);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await waiting);
        Assert.Equal(0, line.QueuedCount);
    }
}
