var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();

app.MapGet("/", () => Results.Content(
    """
    <!doctype html>
    <html lang="en"><head><meta charset="utf-8"><title>ButtonPush</title></head>
    <body><h1>ButtonPush</h1><p>A Keap.ServiceAccount sample.</p></body></html>
    """,
    "text/html"));

app.Run();
