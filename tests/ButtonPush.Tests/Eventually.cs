using System.Diagnostics;

namespace ButtonPush.Tests;

/// <summary>Polls a condition the app's background worker makes true, failing with a description of what was awaited after a timeout.</summary>
public static class Eventually
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    public static async Task TrueAsync(string what, Func<Task<bool>> condition, Action? betweenChecks = null)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > Timeout)
            {
                Assert.Fail($"Timed out after {Timeout.TotalSeconds:0}s waiting until {what}.");
            }

            betweenChecks?.Invoke();
            // A short real pause between polls lets the worker run; the outcome never depends on its length.
            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }
    }

    public static Task TrueAsync(string what, Func<bool> condition, Action? betweenChecks = null) =>
        TrueAsync(what, () => Task.FromResult(condition()), betweenChecks);
}
