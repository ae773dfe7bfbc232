using ButtonPush.Tests.Hooks;
using Keap.ServiceAccount;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace ButtonPush.Tests.Browser;

/// <summary>The whole story in a real browser against the app on a real loopback port.</summary>
public sealed class ButtonPushBrowserTests
{
    private const string UserEmail = "pat@buttonpush.test";

    [ChromiumFact]
    public async Task Connect_sign_up_with_consent_press_and_the_admin_panel_shows_the_user_tagged()
    {
        await using var app = StartApp(out var baseUrl);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchChromiumAsync(playwright);

        // The admin signs up and connects to Keap through the consent page; the callback lands on the panel.
        var admin = await browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = baseUrl, ViewportSize = new ViewportSize { Width = 1100, Height = 900 } });
        string? callbackUrl = null;
        admin.Request += (_, request) => callbackUrl = request.Url.Contains("/admin/keap/callback", StringComparison.Ordinal) ? request.Url : callbackUrl;
        await SignUpAsync(admin, ButtonPushApp.AdminEmail, "Ada Admin", consent: false);
        await admin.GotoAsync("/admin");
        await admin.ClickAsync("#connect");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Allow" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#message")).ToHaveAttributeAsync("data-outcome", "Connected");
        Assert.Equal($"{baseUrl}/admin", admin.Url); // post/redirect/get: no code in the address bar
        Assert.NotNull(callbackUrl);

        // Reloading is harmless, and so is opening the spent callback URL again.
        await admin.ReloadAsync();
        await Assertions.Expect(admin.Locator("#state")).ToHaveTextAsync("Connected");
        await Assertions.Expect(admin.Locator("#message")).ToHaveCountAsync(0);
        await admin.GotoAsync(callbackUrl!);
        Assert.Equal($"{baseUrl}/admin", admin.Url);
        await Assertions.Expect(admin.Locator("#message")).ToContainTextAsync("already used");
        await Assertions.Expect(admin.Locator("#message")).ToHaveClassAsync("flash ok");
        await Assertions.Expect(admin.Locator("#state")).ToHaveTextAsync("Connected");
        await Assertions.Expect(admin.Locator("#last-error")).ToHaveTextAsync("–");

        // A user with the longest name Keap keeps (40 characters, one unbreakable word) signs up with consent and
        // presses the button; the page does not widen.
        var user = await browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = baseUrl, ViewportSize = new ViewportSize { Width = 800, Height = 700 } });
        var longName = "Pat" + new string('o', 37);
        await SignUpAsync(user, UserEmail, longName, consent: true);
        await user.ClickAsync("#press");
        await Assertions.Expect(user.Locator("#count")).ToHaveTextAsync("1");
        Assert.True(await user.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), "A long name widened the page.");

        // The admin panel shows the user tagged in Keap, and the sandbox's own view agrees.
        var row = admin.Locator($"#users tr[data-email='{UserEmail}']");
        await Eventually.TrueAsync("the panel shows the user tagged", async () =>
        {
            await admin.GotoAsync("/admin");
            return await row.CountAsync() == 1 && (await row.Locator(".tagged").TextContentAsync())!.StartsWith("Yes, ", StringComparison.Ordinal);
        });
        var contactId = (await app.UserAsync(UserEmail))!.KeapContactId!;
        await Assertions.Expect(row.Locator(".contact")).ToContainTextAsync($"#{contactId}");
        await Assertions.Expect(row).ToContainTextAsync("Yes"); // consent
        await Assertions.Expect(admin.Locator("#outbox-summary")).ToHaveTextAsync("0 pending, 0 parked.");
        await Assertions.Expect(admin.Locator("#sandbox-contacts")).ToContainTextAsync(UserEmail);
        await Assertions.Expect(admin.Locator("#deliveries")).ToContainTextAsync("Tag \"buttonpushed\"");
        Assert.True(await admin.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), "The admin panel is wider than the window.");
        await admin.SetViewportSizeAsync(400, 800); // a phone: tables scroll inside their box, the page does not
        Assert.True(await admin.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), "The admin panel is wider than a phone.");
        await admin.SetViewportSizeAsync(1100, 900);
        var tag = Assert.Single(app.Sandbox.Tags, t => t.Name == "buttonpushed");
        Assert.Equal([tag.Id], app.Sandbox.TagIdsOf(contactId));
        await admin.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder(), "admin-panel.png"), FullPage = true });

        // Disconnect asks first; dismissing keeps the connection.
        admin.Dialog += async (_, dialog) => await dialog.DismissAsync();
        await admin.ClickAsync("#disconnect");
        await Assertions.Expect(admin.Locator("#state")).ToHaveTextAsync("Connected");
    }

    [ChromiumFact]
    public async Task Log_out_from_the_header_works_a_forged_callback_reads_as_a_refusal_and_the_panel_is_current_and_keeps_emails_whole()
    {
        await using var app = StartApp(out var baseUrl);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchChromiumAsync(playwright);

        // A user signs up before Keap is connected: the row waits for the connection.
        var user = await browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = baseUrl });
        await SignUpAsync(user, UserEmail, "Pat Presser", consent: false);
        await Eventually.TrueAsync("the row waits for the connection", async () => (await app.OpenOutboxAsync()) is [{ WaitingFor: "connection" }]);

        // Log out from the header, then back in through the login page.
        var admin = await browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = baseUrl, ViewportSize = new ViewportSize { Width = 1100, Height = 900 } });
        await SignUpAsync(admin, ButtonPushApp.AdminEmail, "Ada Admin", consent: false);
        await admin.Locator("nav").GetByRole(AriaRole.Button, new() { Name = "Log out" }).ClickAsync();
        await Assertions.Expect(admin.Locator("nav").GetByRole(AriaRole.Link, new() { Name = "Log in" })).ToBeVisibleAsync();
        Assert.Equal($"{baseUrl}/", admin.Url);
        await admin.GotoAsync("/login?returnUrl=%2Fadmin");
        await admin.FillAsync("#Input_Email", ButtonPushApp.AdminEmail);
        await admin.FillAsync("#Input_Password", "correct horse battery");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        Assert.Equal($"{baseUrl}/admin", admin.Url);

        // After Allow the panel does not still say the rows wait for the connection.
        await admin.ClickAsync("#connect");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Allow" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#message")).ToHaveAttributeAsync("data-outcome", "Connected");
        await Assertions.Expect(admin.Locator("main")).Not.ToContainTextAsync("Waiting for an admin to connect Keap");
        await Assertions.Expect(admin.Locator("main")).Not.ToContainTextAsync("Waiting for the Keap connection");

        // A forged callback is a refusal: the error style and one message.
        await admin.GotoAsync("/admin/keap/callback?code=x&state=tampered");
        await Assertions.Expect(admin.Locator("#message")).ToHaveClassAsync("flash error");
        await Assertions.Expect(admin.Locator("#message")).ToContainTextAsync("forged");
        await Assertions.Expect(admin.Locator("#message")).Not.ToContainTextAsync("already used");
        await Assertions.Expect(admin.Locator("#state")).ToHaveTextAsync("Connected");

        // The quota says whose limits it shows; e-mail addresses never break mid-word, even on a phone.
        await Eventually.TrueAsync("the outbox is drained", async () => (await app.OpenOutboxAsync()).Count == 0);
        await admin.GotoAsync("/admin");
        await Assertions.Expect(admin.Locator("#quota")).ToContainTextAsync("embedded sandbox");
        foreach (var width in new[] { 1100, 400 })
        {
            await admin.SetViewportSizeAsync(width, 900);
            var broken = await admin.EvaluateAsync<string[]>(EmailsOnMoreThanOneLine);
            Assert.True(broken.Length == 0, $"At {width}px these addresses wrap: {string.Join(", ", broken)}");
            Assert.True(await admin.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), $"The admin panel is wider than {width}px.");
        }

        await admin.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder(), "admin-panel-phone.png"), FullPage = true });
    }

    [ChromiumFact]
    public async Task A_contact_deleted_in_Keap_shows_in_the_panel_and_the_users_next_press_creates_and_tags_it_again()
    {
        await using var app = StartApp(out var baseUrl);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchChromiumAsync(playwright);

        // A user signs up and presses before Keap is connected; the admin connects, which also subscribes to the hooks.
        var user = await browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = baseUrl });
        await SignUpAsync(user, UserEmail, "Pat Presser", consent: false);
        await user.ClickAsync("#press");
        await Assertions.Expect(user.Locator("#count")).ToHaveTextAsync("1");
        var admin = await browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = baseUrl, ViewportSize = new ViewportSize { Width = 1100, Height = 900 } });
        await SignUpAsync(admin, ButtonPushApp.AdminEmail, "Ada Admin", consent: false);
        await admin.GotoAsync("/admin");
        await admin.ClickAsync("#connect");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Allow" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#message")).ToContainTextAsync("Subscribing to Keap's REST hooks");
        await Eventually.TrueAsync("the panel shows the subscriptions verified", async () =>
        {
            await admin.GotoAsync("/admin");
            return await admin.Locator("#hook-subscriptions tbody tr").CountAsync() == 4
                && await admin.Locator("#hook-subscriptions td", new() { HasTextString = "Verified" }).CountAsync() == 4;
        });
        await Assertions.Expect(admin.Locator("#hook-subscriptions tr[data-event='contact.delete']")).ToContainTextAsync("Verified");
        Assert.DoesNotContain("/keap/hooks/", await admin.ContentAsync(), StringComparison.Ordinal);

        var row = admin.Locator($"#users tr[data-email='{UserEmail}']");
        await Eventually.TrueAsync("the panel shows the user tagged", async () =>
        {
            await admin.GotoAsync("/admin");
            return (await row.Locator(".tagged").TextContentAsync())!.StartsWith("Yes, ", StringComparison.Ordinal);
        });
        var contactId = (await app.UserAsync(UserEmail))!.KeapContactId!;
        await app.SettledAsync();

        // Someone deletes the contact in Keap (through the sandbox's API); the hook tells the app within the delivery delay.
        await app.Services.GetRequiredService<IKeapContactsClient>().DeleteAsync(contactId);
        await Eventually.TrueAsync("the panel shows the contact deleted in Keap", async () =>
        {
            await admin.GotoAsync("/admin");
            return (await row.Locator(".contact").TextContentAsync())!.StartsWith("Deleted in Keap, ", StringComparison.Ordinal);
        });
        await Assertions.Expect(admin.Locator($"#hook-events tr[data-event='contact.delete'][data-object='{contactId}'] .applied")).ToContainTextAsync("contact deleted in Keap");
        await admin.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder(), "admin-panel-contact-deleted.png"), FullPage = true });

        // The user presses again: the contact is created and tagged anew.
        await user.ReloadAsync();
        await user.ClickAsync("#press");
        await Assertions.Expect(user.Locator("#count")).ToHaveTextAsync("2");
        await Eventually.TrueAsync("the panel shows a new contact, tagged", async () =>
        {
            await admin.GotoAsync("/admin");
            return (await row.Locator(".tagged").TextContentAsync())!.StartsWith("Yes, ", StringComparison.Ordinal)
                && (await row.Locator(".contact").TextContentAsync())!.StartsWith('#');
        });
        var recreated = (await app.UserAsync(UserEmail))!.KeapContactId!;
        Assert.NotEqual(contactId, recreated);
        var tag = Assert.Single(app.Sandbox.Tags, t => t.Name == "buttonpushed");
        Assert.Equal([tag.Id], app.Sandbox.TagIdsOf(recreated));
        Assert.Contains(app.Sandbox.Contacts, c => c.Id == recreated && c.EmailAddresses.Contains(UserEmail));
    }

    /// <summary>The e-mail addresses on the page (elements whose whole text is one) that the browser laid out on more than one line.</summary>
    private const string EmailsOnMoreThanOneLine = """
        () => [...document.querySelectorAll('main *')]
            .filter(e => /^[^\s@]+@[^\s@]+$/.test(e.textContent.trim()) && [...e.children].every(c => c.tagName === 'WBR'))
            .filter(e => {
                const range = document.createRange();
                range.selectNodeContents(e);
                return new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top))).size > 1;
            })
            .map(e => e.textContent.trim())
        """;

    private static async Task SignUpAsync(IPage page, string email, string name, bool consent)
    {
        await page.GotoAsync("/signup");
        await page.FillAsync("#Input_Email", email);
        await page.FillAsync("#Input_Name", name);
        await page.FillAsync("#Input_Password", "correct horse battery");
        if (consent)
        {
            await page.CheckAsync("#Input_MarketingConsent");
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign up" }).ClickAsync();
        await Assertions.Expect(page.Locator("#press")).ToBeVisibleAsync();
    }

    /// <summary>Where screenshots go, for a person to look at: beside the other test output.</summary>
    private static string ScreenshotFolder() => Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;

    private static ButtonPushApp StartApp(out string baseUrl) => LoopbackApp.Start(out baseUrl);

    private static Task<IBrowser> LaunchChromiumAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = ChromiumFactAttribute.ExecutablePath(),
        Headless = true,
        Args = ["--no-sandbox"],
    });
}
