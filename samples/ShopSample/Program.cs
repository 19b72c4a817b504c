using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using ShopSample.Api;
using ShopSample.Pages;
using ShopSample.Shop;
using TypedSessions;
using TypedSessions.Sqlite;
using TypedSessions.Storage;
using TypedSessions.Storage.DistributedCache;

var builder = WebApplication.CreateBuilder(args);

// Every store is registered; TypedSessions:Store in configuration picks one (appsettings.json: Sqlite),
// TypedSessions:ConnectionString (or Folder) says where, and TypedSessions:{Sqlite,PostgreSql,Redis,DistributedCache}
// sections carry store-specific settings, bound by each Add…Store() call (README: "Choosing a store by configuration").
builder.Services.AddTypedSessions()
    .AddSqliteStore().AddMemoryStore().AddFileStore()
    .AddPostgreSqlStore().AddRedisStore().AddDistributedCacheStore()
    .AddEvents<SessionEventLog>() // logs created, id cycled, flushed, revoked and expired sessions (Shop/SessionEventLog.cs)
    .AddCookieStore(); // TypedSessions:Store=Cookie: the session in an encrypted cookie, nothing on the server

// The DistributedCache store needs an IDistributedCache: Redis when a connection string is given, else memory.
if (builder.Configuration["TypedSessions:Store"] == DistributedCacheSessionStore.StoreName
    && builder.Configuration["TypedSessions:ConnectionString"] is { Length: > 0 } cacheConnection)
{
    builder.Services.AddStackExchangeRedisCache(o => o.Configuration = cacheConnection);
}
else
{
    builder.Services.AddDistributedMemoryCache();
}

builder.Services.AddDemoUsers();

// GET /health probes the selected session store (a PING, a trivial query, a writable folder), bounded by TypedSessions:StoreTimeout.
builder.Services.AddHealthChecks().AddTypedSessionsStore();

// The HTML pages (Pages/*.cshtml) read the typed session in their views. Razor Pages checks an antiforgery
// token on every POST. Its cookie is HttpOnly and SameSite=Strict, and Secure on HTTPS requests: antiforgery
// refuses CookieSecurePolicy.Always on a plain-HTTP request, and this sample runs on http://localhost
// (TS1002, a warning, is suppressed on that line; the deploy check still logs it outside Development).
// The session cookie itself is Secure always.
builder.Services.AddRazorPages();
builder.Services.AddAntiforgery(options =>
{
    options.Cookie.Name = "shop-antiforgery";
#pragma warning disable TS1002 // Deliberate, see above: antiforgery cannot issue a Secure cookie on http://localhost.
    options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
#pragma warning restore TS1002
    options.Cookie.HttpOnly = true;
    options.Cookie.SameSite = SameSiteMode.Strict;
});
builder.Services.AddSingleton<StoreInfo>();

// Sign-in is cookie authentication: HttpContext.SignInAsync signs the session in too (TypedSessions' hook: a new id,
// bound to the user) and SignOutAsync flushes it (Shop/ShopSignIn.cs). The auth cookie is Secure, HttpOnly, Lax and
// host-only like the session cookie (browsers and curl keep Secure cookies from http://localhost; only antiforgery
// refuses Secure on plain HTTP). A visitor who is not signed in is sent to /login by the pages that need a user.
builder.Services.AddAuthentication(ShopSignIn.Scheme)
    .AddCookie(options =>
    {
        options.Cookie.Name = ShopSignIn.CookieName;
        options.Cookie.SecurePolicy = CookieSecurePolicy.Always;
        options.Cookie.HttpOnly = true;
        options.Cookie.SameSite = SameSiteMode.Lax;
        options.Cookie.Path = "/";
        options.LoginPath = "/login";
        options.LogoutPath = "/logout";
    });

// With a server-side store the ticket lives in the session store: the auth cookie holds only an opaque key, and ending
// a device ("Your sessions") or revoking the user ends the ticket too. The encrypted-cookie store keeps nothing on the
// server, so there the ticket stays in its (data-protected) cookie.
builder.Services.AddOptions<CookieAuthenticationOptions>(ShopSignIn.Scheme)
    .Configure<StoreInfo>((options, store) =>
    {
        if (store.KeepsSessionsOnServer)
        {
            options.UseTypedSessionsTicketStore();
        }
    });
builder.Services.AddAuthorization();
builder.Services.AddScoped<YourSessions>();

// Password guessing: a fixed window per client IP over POST /api/login and the /login form (Api/LoginRateLimit.cs).
builder.Services.AddLoginRateLimit(builder.Configuration);

var app = builder.Build();

// Create the SQLite database (App_Data/sessions.db by default) now rather than on the first request.
if (app.Services.GetRequiredService<SelectedSessionStore>().Store is SqliteSessionStore sqlite)
{
    await sqlite.EnsureSchemaAsync();
}

// A bodiless 404, 405 or other error under /api gets {"error"}; the pages keep their plain answers.
app.UseStatusCodePages(ApiJson.WriteStatusCodeBodyAsync);

// Static files (wwwroot: the stylesheet, images) are served before the session middleware: they never load a session.
app.UseStaticFiles();

// Before the sessions: a login refused for its rate costs no store I/O.
app.UseRateLimiter();
app.UseTypedSessions();

// After the sessions: a store failure while reading a ticket is then a 503. A session whose ticket is gone is logged
// out, and a ticket without its session signs nobody in (Shop/SessionTicketCheck.cs).
app.UseAuthentication();
app.UseSessionTicketCheck();
app.UseAuthorization();

// 200 "ok" while the session store answers, 503 "unhealthy" when it does not (the reason is logged, not shown). GET only,
// and no session: no cookie, no session load — the probe is the only store I/O.
app.MapHealthChecks("/health", new HealthCheckOptions
{
    ResponseWriter = (context, report) =>
    {
        context.Response.ContentType = "text/plain";
        return context.Response.WriteAsync(report.Status == HealthStatus.Healthy ? "ok" : "unhealthy");
    },
}).WithMetadata(new HttpMethodMetadata([HttpMethods.Get])).WithoutSession();
app.MapRazorPages();

// Every state-changing API request a browser sends for another site (Sec-Fetch-Site, else Origin) is a 403
// {"error"} before its handler runs; GETs and clients that send neither header (curl, scripts) are not affected.
var api = app.MapGroup("/api").RequireSameOrigin().AddEndpointFilter<SessionTooLargeFilter>();
api.MapSessionApi();
api.MapAuthApi();
api.MapCartApi();
api.MapThemeApi();
api.MapCounterApi();
api.MapExpiryApi();
api.MapSessionsApi();

await app.RunAsync();

/// <summary>The sample app's entry point (public for WebApplicationFactory).</summary>
public partial class Program;
