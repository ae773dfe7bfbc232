namespace ButtonPush.Tests;

public sealed class SmokeTests
{
    [Fact]
    public async Task Home_page_renders_and_the_database_lives_in_the_data_folder()
    {
        await using var app = new ButtonPushApp(fakeKeap: new FakeKeap());
        using var client = app.CreateClient();
        var html = await client.GetStringAsync(new Uri("/", UriKind.Relative));
        Assert.Contains("ButtonPush", html, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(app.DataFolder, "buttonpush.db")));
    }

    [Fact]
    public async Task Invalid_outbox_settings_stop_the_app_at_start_with_their_name()
    {
        await using var app = new ButtonPushApp(settings: new Dictionary<string, string?> { ["ButtonPush:Outbox:MaxAttempts"] = "0" }, fakeKeap: new FakeKeap());

        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => app.CreateClient());

        Assert.Contains("ButtonPush:Outbox", error.Message, StringComparison.Ordinal);
    }
}
