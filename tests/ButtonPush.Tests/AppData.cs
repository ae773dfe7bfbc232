using ButtonPush.Data;
using ButtonPush.Outbox;
using Microsoft.Extensions.DependencyInjection;

namespace ButtonPush.Tests;

/// <summary>Reads the app's own database the way the app does.</summary>
internal static class AppData
{
    public static Task<AppUser?> UserAsync(this ButtonPushApp app, string email) =>
        app.Services.GetRequiredService<UserStore>().FindByEmailAsync(email, CancellationToken.None);

    public static Task<IReadOnlyList<OutboxItem>> OpenOutboxAsync(this ButtonPushApp app) =>
        app.Services.GetRequiredService<OutboxStore>().ListOpenAsync(CancellationToken.None);

    public static async Task<long> OutboxRowCountAsync(this ButtonPushApp app)
    {
        await using var connection = await app.Services.GetRequiredService<ButtonPushDatabase>().OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM outbox;";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Everything in the package's <c>system_settings</c> table, as one string.</summary>
    public static async Task<string> SystemSettingsAsync(this ButtonPushApp app)
    {
        await using var connection = await app.Services.GetRequiredService<ButtonPushDatabase>().OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT * FROM system_settings;";
        await using var reader = await command.ExecuteReaderAsync();
        var text = new System.Text.StringBuilder();
        while (await reader.ReadAsync())
        {
            for (var i = 0; i < reader.FieldCount; i++)
            {
                text.Append(reader.IsDBNull(i) ? string.Empty : reader.GetValue(i)).Append('|');
            }
        }

        return text.ToString();
    }
}
