using ShopSample.Api;
using ShopSample.Shop;
using TypedSessions;
using TypedSessions.PostgreSql;
using TypedSessions.Redis;
using TypedSessions.Sqlite;
using TypedSessions.Storage;
using TypedSessions.Storage.DistributedCache;

var builder = WebApplication.CreateBuilder(args);

// Every store is registered; TypedSessions:Store in configuration picks one (appsettings.json: Sqlite),
// TypedSessions:ConnectionString (or Folder) says where, and TypedSessions:{PostgreSql,Redis,DistributedCache}
// sections carry store-specific settings (README: "Choosing a store by configuration").
builder.Services.AddTypedSessions()
    .AddSqliteStore().AddMemoryStore().AddFileStore()
    .AddPostgreSqlStore().AddRedisStore().AddDistributedCacheStore();
builder.Services.Configure<PostgreSqlSessionStoreOptions>(builder.Configuration.GetSection("TypedSessions:PostgreSql"));
builder.Services.Configure<RedisSessionStoreOptions>(builder.Configuration.GetSection("TypedSessions:Redis"));
builder.Services.Configure<DistributedCacheSessionStoreOptions>(builder.Configuration.GetSection("TypedSessions:DistributedCache"));

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
