using System.Collections;
using System.Diagnostics;
using System.Globalization;

namespace Keap.ServiceAccount.Testing;

/// <summary>
/// Waits, bounded, for a condition other code brings about (a background worker, the timers of a fake clock, another
/// task), and fails with what was awaited, for how long and the last value seen. It only ever waits for something to
/// happen: "nothing happened" is proven by a signal that the code reached the point, or by a fake clock, never by
/// waiting here. Every test project compiles this file (tests/Directory.Build.props).
/// </summary>
internal static class Eventually
{
    /// <summary>How long a condition may take before the test fails: far longer than any of them needs on a busy machine.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>The real pause between checks unless the caller gives one; the outcome never depends on its length.</summary>
    public static readonly TimeSpan DefaultPause = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// Checks <paramref name="condition"/> until it holds. Between checks it pauses (real time, so queued work runs),
    /// then calls <paramref name="betweenChecks"/> (for example to move a fake clock).
    /// </summary>
    /// <exception cref="Xunit.Sdk.FailException">The condition did not hold within <paramref name="timeout"/> (default <see cref="Timeout"/>).</exception>
    public static async Task TrueAsync(string what, Func<Task<bool>> condition, Action? betweenChecks = null, TimeSpan? pause = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        await ValueAsync(what, condition, static held => held, betweenChecks, pause, timeout, describeLast: false).ConfigureAwait(false);
    }

    /// <inheritdoc cref="TrueAsync(string, Func{Task{bool}}, Action?, TimeSpan?, TimeSpan?)"/>
    public static Task TrueAsync(string what, Func<bool> condition, Action? betweenChecks = null, TimeSpan? pause = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return TrueAsync(what, () => Task.FromResult(condition()), betweenChecks, pause, timeout);
    }

    /// <summary>
    /// Observes a value until <paramref name="accept"/> takes it, and returns it; the failure names the last value observed.
    /// Pauses and calls <paramref name="betweenChecks"/> between observations as <see cref="TrueAsync(string, Func{Task{bool}}, Action?, TimeSpan?, TimeSpan?)"/> does.
    /// </summary>
    /// <exception cref="Xunit.Sdk.FailException">No value was accepted within <paramref name="timeout"/> (default <see cref="Timeout"/>).</exception>
    public static Task<T> ValueAsync<T>(string what, Func<Task<T>> observe, Func<T, bool> accept, Action? betweenChecks = null, TimeSpan? pause = null, TimeSpan? timeout = null) =>
        ValueAsync(what, observe, accept, betweenChecks, pause, timeout, describeLast: true);

    /// <summary>The failure message: what was awaited, for how long, how often it was checked and (when given) the last value.</summary>
    public static string Describe(string what, TimeSpan waited, int checks, bool describeLast, object? last) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"Timed out after {waited.TotalSeconds:0.#} s ({checks} checks) waiting until {what}.{(describeLast ? $" Last observed: {Show(last)}." : string.Empty)}");

    private static async Task<T> ValueAsync<T>(
        string what, Func<Task<T>> observe, Func<T, bool> accept, Action? betweenChecks, TimeSpan? pause, TimeSpan? timeout, bool describeLast)
    {
        ArgumentNullException.ThrowIfNull(observe);
        ArgumentNullException.ThrowIfNull(accept);
        var limit = timeout ?? Timeout;
        var clock = Stopwatch.StartNew();
        for (var checks = 1; ; checks++)
        {
            var value = await observe().ConfigureAwait(false);
            if (accept(value))
            {
                return value;
            }

            if (clock.Elapsed > limit)
            {
                Assert.Fail(Describe(what, limit, checks, describeLast, value));
            }

            await Task.Delay(pause ?? DefaultPause).ConfigureAwait(false);
            betweenChecks?.Invoke();
        }
    }

    private static string Show(object? value) => value switch
    {
        null => "null",
        string text => $"\"{text}\"",
        Exception ex => $"{ex.GetType().Name}: {ex.Message}",
        IEnumerable items => $"[{string.Join(", ", items.Cast<object?>().Select(Show))}]",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "null",
    };
}
