using ShopSample.Api;
using ShopSample.Shop;
using TypedSessions;
using TypedSessions.Sqlite;
using TypedSessions.Storage;

var builder = WebApplication.CreateBuilder(args);

// Every store is registered; TypedSessions:Store in configuration picks one (appsettings.json: Sqlite).
builder.Services.AddTypedSessions().AddSqliteStore().AddMemoryStore().AddFileStore();
builder.Services.AddDemoUsers();

var app = builder.Build();

// Create the SQLite database (App_Data/sessions.db by default) now rather than on the first request.
if (app.Services.GetRequiredService<ISessionStore>() is SqliteSessionStore sqlite)
{
    await sqlite.EnsureSchemaAsync();
}

app.UseTypedSessions();

app.MapGet("/health", () => "ok").WithoutSession();
app.MapHomePage();

var api = app.MapGroup("/api").AddEndpointFilter<SessionTooLargeFilter>();
api.MapSessionApi();
api.MapAuthApi();
api.MapCartApi();
api.MapThemeApi();
api.MapCounterApi();
api.MapExpiryApi();

await app.RunAsync();

/// <summary>The sample app's entry point (public for WebApplicationFactory).</summary>
public partial class Program;
