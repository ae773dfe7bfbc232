using System.Net;
using System.Text;

namespace Keap.ServiceAccount.Sandbox;

/// <summary>The sandbox's HTML pages (consent, start page): one readable layout, its own copy of the ButtonPush sample's look.</summary>
internal static class SandboxPage
{
    private const string Style = """
        body { font-family: system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; color: #222; line-height: 1.4; overflow-wrap: break-word; }
        header { display: flex; gap: 1rem; align-items: center; border-bottom: 1px solid #ddd; padding-bottom: .5rem; margin-bottom: 1.5rem; font-weight: 600; }
        h1, h2, p, dd { overflow-wrap: anywhere; }
        form { margin: 1.5rem 0; }
        .actions { display: flex; flex-wrap: wrap; gap: .5rem; }
        button { padding: .6rem 1.4rem; font-size: 1.05rem; cursor: pointer; border-radius: .3rem; border: 1px solid #888; background: #fafafa; }
        button.primary { background: #176b00; border-color: #176b00; color: #fff; }
        button.danger { color: #a40000; }
        .muted { color: #666; font-size: .9rem; }
        .error { color: #a40000; }
        .flash { padding: .5rem .8rem; border-radius: .3rem; background: #f3f7f1; }
        .flash.error { background: #fbefef; }
        code, pre { font-family: ui-monospace, monospace; font-size: .9rem; }
        pre { background: #f6f6f6; padding: .6rem .8rem; border-radius: .3rem; overflow-x: auto; }
        dl { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: .2rem 1rem; }
        dt { font-weight: 600; }
        dd { margin: 0; }
        """;

    public static IResult Html(int status, string title, string body) => Results.Content(
        new StringBuilder()
            .Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>").Append(Encode(title)).Append(" · Keap sandbox</title><style>").Append(Style).Append("</style></head><body>")
            .Append("<header>Keap sandbox <span class=\"muted\">a local emulator, not Keap</span></header><main><h1>")
            .Append(Encode(title)).Append("</h1>").Append(body).Append("</main></body></html>")
            .ToString(),
        "text/html; charset=utf-8",
        Encoding.UTF8,
        status);

    public static string Encode(string value) => WebUtility.HtmlEncode(value);
}
