using Microsoft.AspNetCore.Mvc.RazorPages;
using MigratedSample;
using TypedSessions;

var builder = WebApplication.CreateBuilder(args);

// The app as it was written for Microsoft.AspNetCore.Session: MVC controllers with views and Razor Pages that use
// HttpContext.Session, and TempData kept in the session.
builder.Services.AddControllersWithViews().AddSessionStateTempDataProvider();
builder.Services.AddRazorPages().AddSessionStateTempDataProvider();

// Forms post with an antiforgery token. Its cookie is Secure on HTTPS requests only: antiforgery refuses
// CookieSecurePolicy.Always on a plain-HTTP request, and `dotnet run` serves http://localhost. Both session cookies
// below are Secure always (browsers send Secure cookies to http://localhost).
builder.Services.AddAntiforgery(options =>
{
#pragma warning disable TS1002 // Deliberate, see above.
    options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
#pragma warning restore TS1002
    options.Cookie.HttpOnly = true;
    options.Cookie.SameSite = SameSiteMode.Strict;
});

// Sessions:Implementation = TypedSessions (default) or AspNetCore.
var sessions = SessionRegistration.FromConfiguration(builder.Configuration);
builder.Services.AddSingleton(sessions);

// ── The migration. These services, and the middleware line further down, are the only difference. ──
if (sessions.IsTypedSessions)
{
    // After: TypedSessions, sessions in SQLite (TypedSessions:ConnectionString, default App_Data/sessions.db).
    builder.Services.AddTypedSessions().AddSqliteStore();
}
else
{
    // Before: ASP.NET Core's built-in session over the distributed memory cache.
    builder.Services.AddDistributedMemoryCache();
    builder.Services.AddSession(options =>
    {
        options.Cookie.SecurePolicy = CookieSecurePolicy.Always;
        options.Cookie.HttpOnly = true;
        options.IdleTimeout = TimeSpan.FromMinutes(20);
    });
}

// Not part of the switch: the one page moved to a [SessionSchema] (Pages/Wizard/Summary) needs TypedSessions,
// so on the built-in session it is not mapped (404).
if (!sessions.IsTypedSessions)
{
    builder.Services.Configure<RazorPagesOptions>(options =>
        options.Conventions.AddPageRouteModelConvention("/Wizard/Summary", page => page.Selectors.Clear()));
}

var app = builder.Build();

// ── The migration, middleware: UseSession() became UseTypedSessions(). ──
if (sessions.IsTypedSessions)
{
    app.UseTypedSessions();
}
else
{
    app.UseSession();
}

app.MapControllerRoute("default", "{controller=Home}/{action=Index}/{id?}");
app.MapRazorPages();

await app.RunAsync();

/// <summary>The sample app's entry point (public for WebApplicationFactory).</summary>
public partial class Program;
