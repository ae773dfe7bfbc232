using Keap.ServiceAccount.Tokens.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Keap.ServiceAccount.Tests.Tokens.Internal;

/// <summary>When a token is refreshed, decided alone on a fake clock with the default settings (3 h soft, 60 s hard, 1 min minimum, 30 s checks, 30-day keep-alive).</summary>
public sealed class RefreshScheduleTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly RefreshSchedule _schedule;

    public RefreshScheduleTests() =>
        _schedule = new RefreshSchedule(Options.Create(new KeapServiceAccountOptions()), _time, NullLogger<RefreshSchedule>.Instance);

    private DateTimeOffset Now => _time.GetUtcNow();

    [Fact]
    public void A_full_day_token_is_due_at_its_soft_window_and_hard_at_its_hard_window()
    {
        var token = Token(lifetime: TimeSpan.FromHours(24));

        var plan = _schedule.Plan(token);

        Assert.Equal(token.AccessTokenExpiresAt - TimeSpan.FromHours(3), plan.DueAt);
        Assert.Equal(token.AccessTokenExpiresAt - TimeSpan.FromSeconds(60), plan.HardAt);
        Assert.Equal(TimeSpan.FromHours(3), plan.SoftWindow);
    }

    [Fact]
    public void A_short_expires_in_scales_the_windows_to_a_quarter_and_an_eighth_of_the_lifetime()
    {
        var token = Token(lifetime: TimeSpan.FromMinutes(2));

        var plan = _schedule.Plan(token);

        Assert.Equal(TimeSpan.FromSeconds(30), plan.SoftWindow);
        Assert.Equal(token.AccessTokenExpiresAt - TimeSpan.FromSeconds(30), plan.DueAt);
        Assert.Equal(token.AccessTokenExpiresAt - TimeSpan.FromSeconds(15), plan.HardAt);
    }

    [Fact]
    public void A_token_is_never_due_before_the_minimum_interval_after_issue()
    {
        var token = Token(lifetime: TimeSpan.FromSeconds(70));

        var plan = _schedule.Plan(token);

        Assert.Equal(token.RefreshTokenIssuedAt + TimeSpan.FromMinutes(1), plan.DueAt);
        Assert.True(plan.DueAt < plan.HardAt);
    }

    [Fact]
    public void An_old_refresh_token_is_due_at_its_keep_alive_age_even_when_the_access_token_is_fresh()
    {
        var issued = Now - TimeSpan.FromDays(31);
        var token = new KeapToken("SECRET-at", "SECRET-rt", Now + TimeSpan.FromHours(24), issued, null);

        Assert.Equal(issued + TimeSpan.FromDays(30), _schedule.Plan(token).DueAt);
    }

    [Fact]
    public void Jitter_moves_the_soft_window_later_by_less_than_half_of_it_and_never_past_the_hard_window()
    {
        var stored = new StoredToken(Token(lifetime: TimeSpan.FromMinutes(2)), 1);
        var plan = _schedule.Plan(stored.Token);
        var range = plan.SoftWindow / 2;

        var softAts = Enumerable.Range(0, 200).Select(_ => _schedule.Schedule(stored, pending: false, previous: null).SoftAt).ToList();

        Assert.All(softAts, softAt => Assert.InRange(softAt, plan.DueAt, plan.DueAt + range));
        Assert.All(softAts, softAt => Assert.True(softAt <= plan.HardAt));
        Assert.True(softAts.Distinct().Count() > 1, "Every instance would start its soft window at the same instant.");
    }

    [Fact]
    public void Jitter_on_a_full_day_token_stays_within_ten_minutes()
    {
        var stored = new StoredToken(Token(lifetime: TimeSpan.FromHours(24)), 1);
        var plan = _schedule.Plan(stored.Token);

        var softAts = Enumerable.Range(0, 200).Select(_ => _schedule.Schedule(stored, pending: false, previous: null).SoftAt).ToList();

        Assert.All(softAts, softAt => Assert.InRange(softAt, plan.DueAt, plan.DueAt + RefreshSchedule.MaxJitter));
    }

    [Fact]
    public void The_same_token_checked_again_keeps_its_jittered_start_and_moves_only_the_next_check()
    {
        var stored = new StoredToken(Token(lifetime: TimeSpan.FromHours(24)), 4);
        var first = _schedule.Schedule(stored, pending: false, previous: null);
        _time.Advance(TimeSpan.FromSeconds(45));

        var again = _schedule.Schedule(stored, pending: false, previous: first);

        Assert.Equal(first.SoftAt, again.SoftAt);
        Assert.Equal(first.HardAt, again.HardAt);
        Assert.Equal(Now + TimeSpan.FromSeconds(30), again.CheckAt);
        Assert.Equal(again.CheckAt, again.FastUntil);
    }

    [Fact]
    public void A_refused_token_is_never_due_for_refresh_only_for_the_next_version_check()
    {
        // Its refresh token is past the keep-alive age: due at once, unless refused.
        var token = new KeapToken("SECRET-at", "SECRET-rt", Now + TimeSpan.FromHours(24), Now - TimeSpan.FromDays(31), null);
        var due = _schedule.Schedule(new StoredToken(token, 2), pending: false, previous: null);
        var refused = _schedule.Schedule(new StoredToken(token, 2) { Refusal = "refused" }, pending: false, previous: null);

        Assert.True(due.FastUntil < Now);
        Assert.Equal(Now + TimeSpan.FromSeconds(30), refused.FastUntil);
        Assert.Equal(refused.CheckAt, refused.FastUntil);
    }

    [Fact]
    public void This_instance_is_due_at_its_own_jittered_start_only_for_the_token_it_serves()
    {
        var stored = new StoredToken(Token(lifetime: TimeSpan.FromHours(24)), 3);
        var served = _schedule.Schedule(stored, pending: false, previous: null);
        var rotated = new StoredToken(new KeapToken("SECRET-at-2", "SECRET-rt-2", stored.Token.AccessTokenExpiresAt, Now, null), 3);

        Assert.Equal(served.SoftAt, _schedule.DueAt(stored, served));
        Assert.Equal(_schedule.Plan(rotated.Token).DueAt, _schedule.DueAt(rotated, served));
        Assert.Equal(_schedule.Plan(stored.Token).DueAt, _schedule.DueAt(stored, served with { Pending = true }));
    }

    private KeapToken Token(TimeSpan lifetime) => new("SECRET-at", "SECRET-rt", Now + lifetime, Now, "full|ab123.infusionsoft.com");
}
