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
}
