using System.Text.RegularExpressions;

namespace ButtonPush.Tests.Hooks;

/// <summary>The app subscribes to Keap's REST hooks when the admin connects, and shows the subscriptions (never their URLs).</summary>
public sealed class HookSubscriptionTests
{
    [Fact]
    public async Task The_panel_lists_the_subscriptions_by_event_and_status_without_their_urls()
    {
        var keap = new FakeKeap();
        await using var app = new ButtonPushApp(fakeKeap: keap);
        using var admin = AppClient.Create(app);
        await admin.SignUpAsync(ButtonPushApp.AdminEmail);

        // The package's reconciler subscribes once the app runs connected; the panel shows Keap's list as last read.
        var panel = await Eventually.ValueAsync(
            "the panel lists the subscriptions",
            () => admin.GetPageAsync("/admin"),
            html => html.Contains("<table id=\"hook-subscriptions\">", StringComparison.Ordinal));

        Assert.True(keap.Reconciles >= 1);
        var table = Regex.Match(panel, "id=\"hook-subscriptions\".*?</table>", RegexOptions.Singleline).Value;
        foreach (var eventKey in keap.HookEventKeys)
        {
            Assert.Matches($"<td>{Regex.Escape(eventKey)}</td>\\s*<td class=\"\">Verified</td>", table);
        }

        Assert.DoesNotContain("secret-", panel, StringComparison.Ordinal);
        Assert.DoesNotContain("/keap/hooks", panel, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Before_the_admin_connects_the_panel_says_the_app_subscribes_once_connected()
    {
        var keap = new FakeKeap { Connected = false };
        await using var app = new ButtonPushApp(fakeKeap: keap);
        using var admin = AppClient.Create(app);
        await admin.SignUpAsync(ButtonPushApp.AdminEmail);

        Assert.Contains("Connect to Keap to subscribe.", await admin.GetPageAsync("/admin"), StringComparison.Ordinal);
        Assert.Equal(0, keap.Reconciles);
    }

    [Fact]
    public async Task Against_Keap_itself_the_app_refuses_to_start_without_a_receiver_url_and_names_the_key()
    {
        await using var app = new ButtonPushApp(settings: new Dictionary<string, string?>
        {
            ["Keap:ClientId"] = "client",
            ["Keap:ClientSecret"] = "secret",
        });

        var failure = Assert.ThrowsAny<Exception>(() => app.Services);

        Assert.Contains("Keap:Hooks:ReceiverUrl", failure.ToString(), StringComparison.Ordinal);
    }
}
