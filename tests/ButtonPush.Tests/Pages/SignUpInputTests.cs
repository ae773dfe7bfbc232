using System.Net;

namespace ButtonPush.Tests.Pages;

/// <summary>Sign-up refuses, with a message, what Keap would refuse or store badly; nothing of it is stored or queued.</summary>
public sealed class SignUpInputTests
{
    [Theory]
    [InlineData("Pat\u0001Presser")]
    [InlineData("Pat\u007FPresser")]
    [InlineData("Pat\tPresser")]
    [InlineData("Pat\u0085Presser")]
    [InlineData("Pat\u200BPresser")]
    public async Task A_name_with_a_control_or_invisible_character_is_refused_with_a_message(string name)
    {
        await using var app = new ButtonPushApp(fakeKeap: new FakeKeap());
        using var client = AppClient.Create(app);

        var html = WebUtility.HtmlDecode(await client.SignUpAsync("pat@buttonpush.test", name));

        Assert.Contains("The name may not contain control or invisible characters", html, StringComparison.Ordinal);
        Assert.Null(await app.UserAsync("pat@buttonpush.test"));
        Assert.Equal(0, await app.OutboxRowCountAsync());
    }

    [Fact]
    public async Task A_name_longer_than_Keap_keeps_is_refused_with_a_message()
    {
        await using var app = new ButtonPushApp(fakeKeap: new FakeKeap());
        using var client = AppClient.Create(app);

        var html = WebUtility.HtmlDecode(await client.SignUpAsync("pat@buttonpush.test", "Pat" + new string('o', 38)));

        Assert.Contains("The name may be at most 40 characters", html, StringComparison.Ordinal);
        Assert.Null(await app.UserAsync("pat@buttonpush.test"));
        Assert.Equal(0, await app.OutboxRowCountAsync());
    }

    [Theory]
    [InlineData("a@b")]
    [InlineData("pat@localhost")]
    [InlineData("pat@buttonpush.")]
    [InlineData("pat@-buttonpush.test")]
    [InlineData("pat@button push.test")]
    [InlineData("pat\u0001@buttonpush.test")]
    [InlineData("pat..presser@buttonpush.test")]
    [InlineData(".pat@buttonpush.test")]
    [InlineData("pat@buttonpush.t")]
    public async Task An_email_Keap_would_refuse_is_refused_with_a_message(string email)
    {
        await using var app = new ButtonPushApp(fakeKeap: new FakeKeap());
        using var client = AppClient.Create(app);

        var html = WebUtility.HtmlDecode(await client.SignUpAsync(email));

        Assert.Contains("Enter an email address like name@example.com", html, StringComparison.Ordinal);
        Assert.Equal(0, await app.OutboxRowCountAsync());
    }

    [Theory]
    [InlineData("pat@buttonpush.test", "Pat Presser")]
    [InlineData("Pat.O'Neil+news@mail.button-push.co.uk", "Zoë O'Neil-Ångström")]
    [InlineData("pat@buttonpush.test", "山田 太郎")]
    [InlineData("pat@buttonpush.test", "Patooooooooooooooooooooooooooooooooooooo")]
    public async Task Ordinary_names_and_emails_are_accepted(string email, string name)
    {
        await using var app = new ButtonPushApp(fakeKeap: new FakeKeap());
        using var client = AppClient.Create(app);

        await client.SignUpAsync(email, name);

        Assert.Equal(name, (await app.UserAsync(email))?.Name);
    }
}
