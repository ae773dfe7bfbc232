using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace ButtonPush.Tests.Outbox;

/// <summary>
/// A claim covers the one row a worker is running, for as long as it runs: a stop releases it, a crash leaves only
/// that row to lapse, and a slow call keeps it (so a second instance never sends the row again).
/// </summary>
public sealed class OutboxClaimTests
{
    private const string Email = "pat@buttonpush.test";

    [Fact]
    public async Task A_row_in_flight_when_the_app_stops_is_released_and_the_next_lifetime_sends_it_without_waiting()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var folder = ButtonPushApp.NewDataFolder();
        try
        {
            var before = new FakeKeap();
            before.HoldCalls();
            await using (var app = new ButtonPushApp(time, fakeKeap: before, dataFolder: folder))
            {
                using var pat = AppClient.Create(app);
                await pat.SignUpAsync(Email);
                await before.CallHeld.WaitAsync(Eventually.Timeout);
            }

            // The clock does not move: the row goes because the stop released it, not because a claim lapsed.
            var after = new FakeKeap();
            await using var restarted = new ButtonPushApp(time, fakeKeap: after, dataFolder: folder);
            await Eventually.TrueAsync("the row is delivered", async () => (await restarted.OpenOutboxAsync()).Count == 0);
            Assert.Equal(1, after.Upserts);
            Assert.Equal(0, before.Upserts);
        }
        finally
        {
            DeleteFolder(folder);
        }
    }

    [Fact]
    public async Task After_a_crash_only_the_row_in_flight_stays_claimed_the_panel_says_until_when_and_it_goes_once_the_claim_lapses()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var folder = ButtonPushApp.NewDataFolder();
        try
        {
            // The first lifetime's call never returns and ignores the stop, as if the process had been killed mid-call.
            var killed = new FakeKeap { HeldCallsIgnoreCancellation = true };
            killed.HoldCalls();
            var app = new ButtonPushApp(time, fakeKeap: killed, dataFolder: folder, configureServices: services =>
                services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromMilliseconds(200)));
            using (var pat = AppClient.Create(app))
            {
                await pat.SignUpAsync(Email);
                await killed.CallHeld.WaitAsync(Eventually.Timeout);
            }

            using (var sam = AppClient.Create(app))
            {
                await sam.SignUpAsync("sam@buttonpush.test", "Sam");
            }

            await app.DisposeAsync();

            var keap = new FakeKeap();
            await using var restarted = new ButtonPushApp(time, fakeKeap: keap, dataFolder: folder);
            using var admin = AppClient.Create(restarted);
            await admin.SignUpAsync(ButtonPushApp.AdminEmail);

            // Sam's row and the admin's were never claimed: they go at once, with no clock movement.
            await Eventually.TrueAsync("the unclaimed rows are delivered", async () => (await restarted.OpenOutboxAsync()).Count == 1);
            var claimed = Assert.Single(await restarted.OpenOutboxAsync());
            Assert.Equal(Email, claimed.UserEmail);
            var until = Assert.IsType<DateTimeOffset>(claimed.ClaimedUntil);
            Assert.True(until > time.GetUtcNow());
            Assert.True(until - time.GetUtcNow() <= TimeSpan.FromSeconds(30), $"The claim runs until {until:O}, long after what one call needs.");
            var panel = System.Net.WebUtility.HtmlDecode(await admin.GetPageAsync("/admin"));
            Assert.Contains($"Claimed by an instance until {ButtonPush.Pages.Admin.AdminModel.Format(until)}", panel, StringComparison.Ordinal);
            Assert.DoesNotContain("Due now", panel, StringComparison.Ordinal);

            time.Advance(until - time.GetUtcNow() + TimeSpan.FromSeconds(1));
            await Eventually.TrueAsync("the crashed row is delivered", async () => (await restarted.OpenOutboxAsync()).Count == 0);
            Assert.Equal(3, keap.Upserts);
            Assert.Equal(0, killed.Upserts);
        }
        finally
        {
            DeleteFolder(folder);
        }
    }

    [Fact]
    public async Task A_claim_is_renewed_while_a_slow_call_runs_so_a_second_instance_never_sends_the_row_again()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var folder = ButtonPushApp.NewDataFolder();
        try
        {
            var keap = new FakeKeap();
            keap.HoldCalls();
            await using var one = new ButtonPushApp(time, fakeKeap: keap, dataFolder: folder);
            await using var two = new ButtonPushApp(time, fakeKeap: keap, dataFolder: folder);
            _ = two.Services.GetRequiredService<IHostApplicationLifetime>(); // both instances' workers run
            using var pat = AppClient.Create(one);
            await pat.SignUpAsync(Email);
            await keap.CallHeld.WaitAsync(Eventually.Timeout);

            // The call takes four minutes, far longer than one claim: each step the claim is still ahead of the clock.
            for (var step = 0; step < 24; step++)
            {
                time.Advance(TimeSpan.FromSeconds(10));
                await Eventually.TrueAsync(
                    "the claim is ahead of the clock",
                    async () => (await two.OpenOutboxAsync()) is [{ ClaimedUntil: { } until }] && until > time.GetUtcNow());
            }

            keap.ReleaseCalls();
            await Eventually.TrueAsync("the row is delivered", async () => (await one.OpenOutboxAsync()).Count == 0);
            Assert.Equal(1, keap.Upserts);
        }
        finally
        {
            DeleteFolder(folder);
        }
    }

    private static void DeleteFolder(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
