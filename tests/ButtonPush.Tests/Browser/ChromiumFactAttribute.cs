namespace ButtonPush.Tests.Browser;

/// <summary>
/// A fact that needs Debian's Chromium: skipped, with the reason shown, when no Chromium exists and
/// <c>KEAP_TEST_CHROMIUM</c> is unset; run (and failing) when the variable names a missing file or <c>CI=true</c>, so CI
/// cannot silently lose the browser test.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ChromiumFactAttribute : FactAttribute
{
    public const string Variable = "KEAP_TEST_CHROMIUM";
    private const string DebianChromium = "/usr/bin/chromium";

    public ChromiumFactAttribute()
    {
        // CI=true promises the browser (.ci/run installs it): the test then runs and fails rather than skips.
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable)) && !File.Exists(DebianChromium) && Environment.GetEnvironmentVariable("CI") != "true")
        {
            Skip = $"No Chromium: {DebianChromium} does not exist and {Variable} is unset (apt-get install chromium, or set {Variable}).";
        }
    }

    /// <summary>The browser to drive; fails the test when <c>KEAP_TEST_CHROMIUM</c> points nowhere.</summary>
    public static string ExecutablePath()
    {
        var configured = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(configured))
        {
            return DebianChromium;
        }

        Assert.True(File.Exists(configured), $"{Variable} is set to '{configured}', which does not exist.");
        return configured;
    }
}
