using ButtonPush.Integration;
using Keap.ServiceAccount;
using Microsoft.Extensions.DependencyInjection;

namespace ButtonPush.Tests;

public sealed class SecretsTests
{
    [Fact]
    public async Task Passwords_never_reach_the_logs_or_the_database_in_clear()
    {
        const string password = "p4ssw0rd-that-must-stay-secret";
        await using var app = new ButtonPushApp(fakeKeap: new FakeKeap());
        using var client = AppClient.Create(app);

        await client.SignUpAsync("pat@buttonpush.test", password: password);
        using var login = await client.PostFormAsync("/login", "/login", new Dictionary<string, string>
        {
            ["Input.Email"] = "pat@buttonpush.test",
            ["Input.Password"] = password,
        });

        Assert.NotEmpty(app.Logs.GetSnapshot());
        Assert.DoesNotContain(app.Logs.GetSnapshot(), record => record.Message.Contains(password, StringComparison.Ordinal));
        var user = await app.UserAsync("pat@buttonpush.test");
        Assert.DoesNotContain(password, user!.PasswordHash, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_token_protector_encrypts_with_data_protection_and_round_trips()
    {
        await using var app = new ButtonPushApp(fakeKeap: new FakeKeap());
        var protector = app.Services.GetRequiredService<ITokenProtector>();

        var protectedData = protector.Protect("{\"access_token\":\"secret-access\"}");

        Assert.IsType<DataProtectionTokenProtector>(protector);
        Assert.DoesNotContain("secret-access", protectedData, StringComparison.Ordinal);
        Assert.Equal("{\"access_token\":\"secret-access\"}", protector.Unprotect(protectedData));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(app.DataFolder, "keys")));
    }
}
