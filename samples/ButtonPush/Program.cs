using System.Security.Claims;
using ButtonPush.Data;
using ButtonPush.Hooks;
using ButtonPush.Integration;
using ButtonPush.Outbox;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;

var builder = WebApplication.CreateBuilder(args);

var dataFolder = AppPaths.DataFolder(builder.Configuration, builder.Environment);
Directory.CreateDirectory(dataFolder);
var database = new ButtonPushDatabase(AppPaths.ConnectionString(builder.Configuration, dataFolder));

builder.Services.TryAddSingleton(TimeProvider.System);
builder.Services.AddSingleton(database);
builder.Services.AddSingleton<OutboxSignal>();
builder.Services.AddSingleton<OutboxStore>();
builder.Services.AddSingleton<UserStore>();
builder.Services.AddScoped<OutboxJobs>();
builder.Services.AddSingleton<HookEventStore>();
builder.Services.AddScoped<HookEventJobs>();
// The receiver resolves the handler as IKeapHookHandler (AddHookReceiver, in KeapSetup); tests and the benchmark use it directly.
builder.Services.AddScoped<ButtonPushHookHandler>();
builder.Services.AddSingleton<HookSubscriptionsView>();
builder.Services.AddOptions<OutboxOptions>()
    .Bind(builder.Configuration.GetSection("ButtonPush:Outbox"))
    .Validate(
        o => o.MaxAttempts >= 1 && o.BatchSize >= 1 && o.BaseDelay > TimeSpan.Zero && o.MaxDelay >= o.BaseDelay
            && o.ClaimDuration > TimeSpan.Zero && o.PollInterval > TimeSpan.Zero,
        "ButtonPush:Outbox needs MaxAttempts and BatchSize of at least 1, positive delays and MaxDelay >= BaseDelay.")
    .ValidateOnStart();
builder.Services.AddHostedService<OutboxWorker>();
builder.Services.AddSingleton<IPasswordHasher<AppUser>, PasswordHasher<AppUser>>();

builder.Services.AddDataProtection()
    .SetApplicationName("ButtonPush")
    .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(dataFolder, "keys")));

var keap = KeapSetup.Configure(builder, database.DataSource, dataFolder);
builder.Services.AddSingleton(keap);

builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
    .AddCookie(options =>
    {
        options.LoginPath = "/login";
        options.Cookie.Name = "buttonpush";
        options.Cookie.HttpOnly = true;
        options.Cookie.SameSite = SameSiteMode.Lax;
        // A signed-in user who is not an admin gets a 403 (rendered by the status page), not a redirect.
        options.Events.OnRedirectToAccessDenied = context =>
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return Task.CompletedTask;
        };
    });
builder.Services.AddAuthorizationBuilder()
    .AddPolicy(Roles.AdminPolicy, policy => policy.RequireRole(Roles.Admin));
builder.Services.AddRazorPages(options => options.Conventions.AuthorizeFolder("/Admin", Roles.AdminPolicy));
builder.Services.AddHealthChecks().AddKeapServiceAccount();

var app = builder.Build();

// First, so the mode is the first thing a reader of the console sees.
keap.LogStart(app.Logger);
await database.MigrateAsync(CancellationToken.None);

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/error");
    app.UseHsts();
    app.UseHttpsRedirection();
}

// Error codes without a body get a page in the app's layout, keeping their status code.
app.UseStatusCodePagesWithReExecute("/status/{0}");
app.UseRouting();
app.UseAuthentication();
app.UseAuthorization();
app.MapRazorPages();
app.MapHealthChecks("/healthz");
keap.MapEndpoints(app);

await app.RunAsync();

/// <summary>The app's entry point, public so integration tests can host it.</summary>
public partial class Program;

/// <summary>Role and policy names.</summary>
internal static class Roles
{
    public const string Admin = "admin";
    public const string AdminPolicy = "Admin";

    public static ClaimsPrincipal Principal(AppUser user)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new(ClaimTypes.Name, user.Name),
            new(ClaimTypes.Email, user.Email),
        };
        if (user.IsAdmin)
        {
            claims.Add(new Claim(ClaimTypes.Role, Admin));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme));
    }
}
