using System.Net;
using System.Net.Sockets;
using Microsoft.Playwright;

namespace ButtonPush.Tests.Browser;

/// <summary>The whole story in a real browser against the app on a real loopback port.</summary>
public sealed class ButtonPushBrowserTests
{
    [ChromiumFact]
    public async Task Sign_up_press_connect_as_admin_and_the_contact_ends_up_tagged()
    {
        var port = FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        await using var app = new ButtonPushApp(settings: new Dictionary<string, string?> { ["ButtonPush:PublicBaseUrl"] = baseUrl });
        app.UseKestrel(port);
        app.StartServer();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumFactAttribute.ExecutablePath(),
            Headless = true,
            Args = ["--no-sandbox"],
        });

        // A user signs up and presses the button before Keap is connected: the work waits in the outbox.
        var user = await browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = baseUrl });
        await SignUpAsync(user, "pat@buttonpush.test", "Pat Presser");
        await user.ClickAsync("#press");
        await Assertions.Expect(user.Locator("#count")).ToHaveTextAsync("1");

        // The admin signs up, connects to Keap through the consent page, and the outbox drains.
        var admin = await browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = baseUrl });
        await SignUpAsync(admin, ButtonPushApp.AdminEmail, "Ada Admin");
        await admin.GotoAsync("/admin");
        await admin.ClickAsync("#connect");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Allow" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#outcome")).ToHaveAttributeAsync("data-outcome", "Connected");
        await admin.GotoAsync("/admin");
        await Assertions.Expect(admin.Locator("#state")).ToHaveTextAsync("Connected");

        await Eventually.TrueAsync("the outbox is drained", async () =>
        {
            await admin.ReloadAsync();
            return await admin.Locator("#outbox-summary").TextContentAsync() == "0 pending, 0 parked.";
        });
        var contactId = (await app.UserAsync("pat@buttonpush.test"))!.KeapContactId!;
        var tag = Assert.Single(app.Sandbox.Tags, t => t.Name == "buttonpushed");
        Assert.Equal([tag.Id], app.Sandbox.TagIdsOf(contactId));
        Assert.Single(app.Sandbox.Contacts, c => c.EmailAddresses.Contains("pat@buttonpush.test"));
    }

    private static async Task SignUpAsync(IPage page, string email, string name)
    {
        await page.GotoAsync("/signup");
        await page.FillAsync("#Input_Email", email);
        await page.FillAsync("#Input_Name", name);
        await page.FillAsync("#Input_Password", "correct horse battery");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign up" }).ClickAsync();
        await Assertions.Expect(page.Locator("#press")).ToBeVisibleAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
