using System.Text.Json;
using Keap.ServiceAccount.Http;

namespace Keap.ServiceAccount.Tests.Http;

/// <summary>Runs alone: it changes the process's local time zone, which other tests must not see.</summary>
[CollectionDefinition(nameof(LocalTimeZoneTests), DisableParallelization = true)]
public sealed class LocalTimeZoneTests;

[Collection(nameof(LocalTimeZoneTests))]
public sealed class KeapTimeConverterTests
{
    [Theory]
    [InlineData("2026-01-02T03:04:05")]
    [InlineData("2026-01-02T03:04:05.000")]
    [InlineData("2026-01-02T03:04:05Z")]
    [InlineData("2026-01-02T04:04:05+01:00")]
    [InlineData("2026-01-02T04:04:05+0100")]
    [InlineData("1767323045000")]
    public void A_time_is_read_as_utc_when_keap_gives_no_offset_whatever_the_machines_time_zone(string text)
    {
        var json = text.All(char.IsDigit) ? text : $"\"{text}\"";
        var previous = Environment.GetEnvironmentVariable("TZ");
        try
        {
            // A machine far from UTC: a time without an offset read as local time would be off by 14 hours.
            Environment.SetEnvironmentVariable("TZ", "Pacific/Kiritimati");
            TimeZoneInfo.ClearCachedData();
            Assert.NotEqual(TimeSpan.Zero, TimeZoneInfo.Local.BaseUtcOffset);

            var time = JsonSerializer.Deserialize(json, KeapJsonContext.Default.DateTimeOffset);

            Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), time);
        }
        finally
        {
            Environment.SetEnvironmentVariable("TZ", previous);
            TimeZoneInfo.ClearCachedData();
        }
    }
}
