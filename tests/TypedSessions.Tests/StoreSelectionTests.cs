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

    private static WebApplication Build(Action<IServiceCollection> services)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        services(builder.Services);
        builder.Services.Configure<TypedSessionOptions>(o => o.CleanupInterval = TimeSpan.Zero);
        return builder.Build();
    }
}
