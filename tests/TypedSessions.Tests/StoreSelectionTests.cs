using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TypedSessions.AspNetCore.Transports;
using TypedSessions.Storage;
using TypedSessions.Storage.Memory;

namespace TypedSessions.Tests;

/// <summary>Which store the app selected, and the transport that follows from it.</summary>
public sealed class StoreSelectionTests
{
    [Fact]
    public async Task A_server_side_store_is_reached_through_the_id_cookie_transport()
    {
        await using var app = Build(s => s.AddTypedSessions().AddMemoryStore());

        var selected = app.Services.GetRequiredService<SelectedSessionStore>();
        Assert.Equal("Memory", selected.Name);
        Assert.False(selected.IsEncryptedCookie);
        Assert.Same(app.Services.GetRequiredService<ISessionStore>(), selected.Store);
        Assert.IsType<IdCookieTransport>(app.Services.GetRequiredService<SessionTransport>());
    }

    [Fact]
    public async Task The_encrypted_cookie_has_no_server_side_store()
    {
        await using var app = Build(s => s.AddTypedSessions(o => o.Store = "cookie").AddMemoryStore().AddCookieStore());

        var selected = app.Services.GetRequiredService<SelectedSessionStore>();
        Assert.True(selected.IsEncryptedCookie);
        Assert.Null(selected.Store);
        Assert.IsType<EncryptedCookieTransport>(app.Services.GetRequiredService<SessionTransport>());
        var ex = Assert.Throws<InvalidOperationException>(() => app.Services.GetRequiredService<ISessionStore>());
        Assert.Contains("SelectedSessionStore", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_app_that_registers_its_own_store_without_choosing_one_by_name_still_works()
    {
        var own = new MemorySessionStore();
        await using var app = Build(s =>
        {
            s.AddSingleton<ISessionStore>(own);
            s.AddTypedSessions();
        });
        app.UseTypedSessions();
        app.MapPost("/set", (HttpContext c) => c.GetSession().Set("k", "v"));
        await app.StartAsync();

        var response = await app.GetTestClient().PostAsync("/set", null);

        Assert.True(response.IsSuccessStatusCode);
        Assert.Same(own, app.Services.GetRequiredService<SelectedSessionStore>().Store);
        Assert.Equal(1, (await own.GetStatisticsAsync(DateTimeOffset.UtcNow)).Live);
    }

    [Fact]
    public async Task No_store_chosen_says_so_when_the_store_is_needed()
    {
        await using var app = Build(s => s.AddTypedSessions());

        var ex = Assert.Throws<InvalidOperationException>(() => app.Services.GetRequiredService<ISessionStore>());
        Assert.Contains("No session store is chosen", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    [InlineData("Testing")]
    public async Task Outside_Development_no_store_chosen_fails_at_startup_naming_the_choices(string environment)
    {
        await using var app = Build(s => s.AddTypedSessions(), environment);

        var ex = Assert.Throws<InvalidOperationException>(() => app.UseTypedSessions());
        Assert.Contains("No session store is chosen", ex.Message, StringComparison.Ordinal);
        Assert.Contains("TypedSessions:Store (one of: Memory, File)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_Development_no_store_chosen_is_the_in_memory_store_with_a_warning()
    {
        var logs = new Integration.CapturingLoggerProvider();
        await using var app = Build(s => s.AddTypedSessions(), "Development", logs);
        app.UseTypedSessions();
        app.MapPost("/set", (HttpContext c) => c.GetSession().Set("k", "v"));
        app.MapGet("/get", (HttpContext c) => c.GetSession().Get<string>("k") ?? "(none)");
        await app.StartAsync();

        var selected = app.Services.GetRequiredService<SelectedSessionStore>();
        Assert.Equal("Memory", selected.Name);
        Assert.IsType<MemorySessionStore>(selected.Store);
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Warning && e.Id.Name == "DevelopmentMemoryStore");

        // It is a working store: a write is kept for the next request on the same cookie.
        var client = app.GetTestClient();
        var set = await client.PostAsync(new Uri("https://localhost/set"), null);
        Assert.True(set.IsSuccessStatusCode);
        var cookie = set.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
        using var get = new HttpRequestMessage(HttpMethod.Get, new Uri("https://localhost/get"));
        get.Headers.Add("Cookie", cookie);
        Assert.Equal("v", await (await client.SendAsync(get)).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task In_Development_a_store_the_app_chose_or_registered_itself_is_kept()
    {
        await using (var chosen = Build(s => s.AddTypedSessions().AddFileStore(o => o.Folder = Path.Combine(Path.GetTempPath(), "ts-dev-" + Guid.NewGuid().ToString("N"))), "Development"))
        {
            Assert.Equal("File", chosen.Services.GetRequiredService<SelectedSessionStore>().Name);
        }

        var own = new MemorySessionStore();
        var logs = new Integration.CapturingLoggerProvider();
        await using var app = Build(
            s =>
            {
                s.AddTypedSessions();
                s.AddSingleton<ISessionStore>(own);
            },
            "Development",
            logs);
        Assert.Same(own, app.Services.GetRequiredService<ISessionStore>());
        Assert.Equal("(none)", app.Services.GetRequiredService<SelectedSessionStore>().Name);
        Assert.DoesNotContain(logs.Entries, e => e.Id.Name == "DevelopmentMemoryStore");
    }

    private static WebApplication Build(Action<IServiceCollection> services, string environment = "Testing", ILoggerProvider? logs = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }

        services(builder.Services);
        builder.Services.Configure<TypedSessionOptions>(o => o.CleanupInterval = TimeSpan.Zero);
        return builder.Build();
    }
}
