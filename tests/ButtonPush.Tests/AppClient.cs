using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ButtonPush.Tests;

/// <summary>A signed-in (or anonymous) browser stand-in: follows the app's forms with their anti-forgery tokens.</summary>
public sealed partial class AppClient(HttpClient http) : IDisposable
{
    public HttpClient Http { get; } = http;

    public static AppClient Create(ButtonPushApp app, bool followRedirects = true) =>
        new(app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = followRedirects, HandleCookies = true, BaseAddress = app.PublicBaseUrl }));

    public async Task<string> GetPageAsync(string path)
    {
        using var response = await Http.GetAsync(new Uri(path, UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path} gave {(int)response.StatusCode}: {html}");
        return html;
    }

    /// <summary>Loads <paramref name="pagePath"/>, takes its anti-forgery token and posts <paramref name="fields"/> to <paramref name="action"/>.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string pagePath, string action, IDictionary<string, string>? fields = null)
    {
        var html = await GetPageAsync(pagePath);
        var token = AntiforgeryToken().Match(html);
        Assert.True(token.Success, $"No anti-forgery token on {pagePath}");
        var form = new Dictionary<string, string>(fields ?? new Dictionary<string, string>())
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
        };
        using var content = new FormUrlEncodedContent(form);
        return await Http.PostAsync(new Uri(action, UriKind.Relative), content);
    }

    public async Task<string> SignUpAsync(string email, string name = "Pat Presser", string password = "correct horse battery", bool marketingConsent = false)
    {
        var fields = new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Name"] = name,
            ["Input.Password"] = password,
        };
        if (marketingConsent)
        {
            fields["Input.MarketingConsent"] = "true";
        }

        using var response = await PostFormAsync("/signup", "/signup", fields);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.Redirect, html);
        return html;
    }

    public async Task LogInAsync(string email, string password = "correct horse battery")
    {
        using var response = await PostFormAsync("/login", "/login", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        });
        Assert.True(response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
    }

    public async Task<string> PressAsync()
    {
        using var response = await PostFormAsync("/", "/");
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, html);
        return html;
    }

    /// <summary>
    /// Signs up the admin (this client), presses "Connect to Keap", answers the sandbox consent page and
    /// returns the HTML the callback ends on (the admin panel, when redirects are followed).
    /// </summary>
    public async Task<string> ConnectAsAdminAsync(bool allow = true)
    {
        await SignUpAsync(ButtonPushApp.AdminEmail, "Ada Admin");
        using var consent = await PostFormAsync("/admin", "/admin?handler=Connect");
        var consentHtml = await consent.Content.ReadAsStringAsync();
        Assert.True(consent.IsSuccessStatusCode, consentHtml);
        var form = ConsentForm(consentHtml, allow ? "allow" : "deny");
        using var content = new FormUrlEncodedContent(form);
        using var callback = await Http.PostAsync(consent.RequestMessage!.RequestUri, content);
        return await callback.Content.ReadAsStringAsync();
    }

    /// <summary>The sandbox consent page's form fields, with the decision.</summary>
    public static Dictionary<string, string> ConsentForm(string consentHtml, string decision)
    {
        var form = HiddenInput().Matches(consentHtml).ToDictionary(m => m.Groups[1].Value, m => WebUtility.HtmlDecode(m.Groups[2].Value));
        Assert.True(form.Count > 0, $"No consent form: {consentHtml}");
        form["decision"] = decision;
        return form;
    }

    /// <summary>The decoded text of the element with id <paramref name="id"/> (no nested elements).</summary>
    public static string Text(string html, string id)
    {
        var match = Regex.Match(html, $"id=\"{Regex.Escape(id)}\"[^>]*>([^<]*)<");
        Assert.True(match.Success, $"No element with id '{id}'");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    public static long PressCount(string html) => long.Parse(PressCountPattern().Match(html).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    public void Dispose() => Http.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">")]
    private static partial Regex HiddenInput();

    [GeneratedRegex("id=\"count\">(\\d+)<")]
    private static partial Regex PressCountPattern();
}
