using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace TypedSessions.Generators.Tests.Execution;

/// <summary>Runs the generated <see cref="ShopSession"/> against real sessions through the ASP.NET Core pipeline.</summary>
public sealed class GeneratedSchemaTests
{
    [Fact]
    public async Task Absent_keys_read_as_null_default_or_empty_and_reading_sets_no_cookie()
    {
        await using var host = await SessionTestHost.StartAsync(app => app.MapGet("/read", (ShopSession s) =>
            $"{s.Username ?? "null"}|{(s.UserId is null ? "null" : "set")}|{s.Cart.Count}|{s.Theme}|{s.Visits}|[{s.Nickname}]|{s.Tags.Length}|{s.Scores.Count}|{s.IsSignedIn}|{s.AsSession().Count}"));

        var response = await host.GetAsync("/read");

        Assert.Equal("null|null|0|Dark|0|[]|0|0|False|0", response.Body);
        Assert.Null(response.SetCookie);
    }

    [Fact]
    public async Task In_OnDemand_mode_properties_set_on_an_unloaded_schema_are_a_blind_write_that_keeps_the_other_keys()
    {
        // docs/session-schemas.md: a property set on a schema that was not loaded is a blind write (no load; the store
        // merges the keys). The memory store has blind writes.
        await using var host = await SessionTestHost.StartAsync(
            app =>
            {
                app.MapGet("/login", (ShopSession s) =>
                {
                    s.Username = "ada";
                    s.Visits = 3;
                    return "ok";
                });
                app.MapGet("/nick", (HttpContext c) =>
                {
                    var session = c.GetSession();
                    var shop = session.As<ShopSession>();
                    shop.Nickname = "countess";
                    shop.Visits = 4;
                    return session.IsLoaded ? "loaded" : "not loaded";
                });
                app.MapGet("/read", (ShopSession s) => $"{s.Username}|{s.Visits}|{s.Nickname}");
            },
            loadMode: SessionLoadMode.OnDemand);

        await host.GetAsync("/login");
        var cookie = host.Cookie;

        Assert.Equal("not loaded", (await host.GetAsync("/nick")).Body);
        Assert.Equal(cookie, host.Cookie);
        Assert.Equal("ada|4|countess", (await host.GetAsync("/read")).Body);
    }

    [Fact]
    public async Task Values_set_through_properties_are_stored_under_their_keys_and_read_back_on_the_next_request()
    {
        await using var host = await SessionTestHost.StartAsync(app =>
        {
            app.MapGet("/login", (ShopSession s) =>
            {
                s.Username = "ada";
                s.UserId = 42;
                s.Theme = Theme.HighContrast;
                s.Visits = 3;
                s.Nickname = "countess";
                s.Tags = ["a", "b"];
                return "ok";
            });
            app.MapGet("/read", (ShopSession s) =>
            {
                var untyped = s.AsSession();
                return $"{s.Username}|{s.UserId}|{s.Theme}|{s.Visits}|{s.Nickname}|{string.Join(',', s.Tags)}|{untyped.Get<int?>("uid")}|{untyped.ContainsKey("UserId")}";
            });
        });

        var login = await host.GetAsync("/login");
        Assert.NotNull(login.SetCookie);

        var read = await host.GetAsync("/read");
        Assert.Equal("ada|42|HighContrast|3|countess|a,b|42|False", read.Body);
    }

    [Fact]
    public async Task Assigning_null_removes_the_key()
    {
        await using var host = await SessionTestHost.StartAsync(app =>
        {
            app.MapGet("/set", (ShopSession s) => s.Username = "ada");
            app.MapGet("/clear", (ShopSession s) =>
            {
                s.Username = null;
                return "cleared";
            });
            app.MapGet("/keys", (ShopSession s) => string.Join(',', s.AsSession().Keys));
        });

        await host.GetAsync("/set");
        Assert.Equal("Username", (await host.GetAsync("/keys")).Body);
        await host.GetAsync("/clear");
        Assert.Equal("", (await host.GetAsync("/keys")).Body);
    }

    [Fact]
    public async Task Changing_an_absent_collection_in_place_establishes_the_session_and_saves_it()
    {
        await using var host = await SessionTestHost.StartAsync(app =>
        {
            app.MapGet("/add", (ShopSession s, string sku) =>
            {
                s.Cart.Add(new CartLine { Sku = sku, Quantity = 1 });
                s.Scores[sku] = s.Cart.Count;
                return s.Cart.Count;
            });
            app.MapGet("/cart", (ShopSession s) => string.Join(',', s.Cart.Select(l => l.Sku)) + "|" + string.Join(',', s.Scores.Select(p => $"{p.Key}={p.Value}")));
        });

        var first = await host.GetAsync("/add?sku=apple");
        Assert.Equal("1", first.Body);
        Assert.NotNull(first.SetCookie);

        var second = await host.GetAsync("/add?sku=pear");
        Assert.Equal("2", second.Body);

        Assert.Equal("apple,pear|apple=1,pear=2", (await host.GetAsync("/cart")).Body);
    }

    [Fact]
    public async Task Reading_an_absent_collection_without_changing_it_stores_nothing()
    {
        await using var host = await SessionTestHost.StartAsync(app =>
        {
            app.MapGet("/login", (ShopSession s) => s.Username = "ada");
            app.MapGet("/peek", (ShopSession s) => s.Cart.Count + s.Scores.Count);
            app.MapGet("/keys", (ShopSession s) => $"{string.Join(',', s.AsSession().Keys)}");
        });

        await host.GetAsync("/login");
        var peek = await host.GetAsync("/peek");
        Assert.Equal("0", peek.Body);
        Assert.Null(peek.SetCookie);
        Assert.Equal("Username", (await host.GetAsync("/keys")).Body);
    }

    [Fact]
    public async Task The_same_collection_instance_is_returned_within_a_request()
    {
        await using var host = await SessionTestHost.StartAsync(app =>
            app.MapGet("/same", (ShopSession s) => ReferenceEquals(s.Cart, s.Cart) && ReferenceEquals(s.Scores, s.Scores)));

        Assert.Equal("true", (await host.GetAsync("/same")).Body);
    }

    [Fact]
    public async Task A_schema_is_injectable_and_one_instance_serves_binding_injection_and_the_HttpContext_accessor()
    {
        await using var host = await SessionTestHost.StartAsync(
            app => app.MapGet("/who", (ShopSession bound, [FromServices] Greeter greeter, [FromServices] ShopSession injected, HttpContext context) =>
            {
                bound.Username = "grace";
                var same = ReferenceEquals(bound, injected) && ReferenceEquals(bound, context.GetSession<ShopSession>());
                return $"{greeter.Greet()}|{same}";
            }),
            services => services.AddScoped<Greeter>());

        Assert.Equal("Hello, grace!|True", (await host.GetAsync("/who")).Body);
    }

    [Fact]
    public async Task A_schema_parameter_loads_the_session_on_demand()
    {
        await using var host = await SessionTestHost.StartAsync(
            app =>
            {
                app.MapGet("/set", async (HttpContext context) =>
                {
                    var s = await context.LoadSessionAsync<ShopSession>();
                    s.Username = "lin";
                    return "ok";
                });
                app.MapGet("/get", (ShopSession s) => s.Username);
                app.MapGet("/loaded", (HttpContext context) => context.GetSession().IsLoaded);
            },
            loadMode: SessionLoadMode.OnDemand);

        await host.GetAsync("/set");
        Assert.Equal("false", (await host.GetAsync("/loaded")).Body);
        Assert.Equal("lin", (await host.GetAsync("/get")).Body);
    }

    [Fact]
    public async Task Untyped_operations_are_reached_through_AsSession()
    {
        await using var host = await SessionTestHost.StartAsync(app =>
        {
            app.MapGet("/login", (ShopSession s) => s.UserId = 7);
            app.MapGet("/logout", (ShopSession s) =>
            {
                s.AsSession().Flush();
                return s.UserId is null;
            });
        });

        await host.GetAsync("/login");
        var logout = await host.GetAsync("/logout");

        Assert.Equal("true", logout.Body);
        Assert.NotNull(logout.SetCookie);
        Assert.Null(host.Cookie);
    }

    [Fact]
    public async Task A_cached_typed_read_allocates_nothing()
    {
        await using var host = await SessionTestHost.StartAsync(app =>
        {
            app.MapGet("/login", (ShopSession s) =>
            {
                s.UserId = 1;
                s.Visits = 5;
                s.Username = "ada";
            });
            app.MapGet("/measure", (ShopSession s) =>
            {
                // The first reads decode and cache; the measured ones must be served from the cache.
                long sum = s.Visits + s.UserId!.Value + (int)s.Theme + s.Username!.Length;
                var before = GC.GetAllocatedBytesForCurrentThread();
                for (var i = 0; i < 1000; i++)
                {
                    sum += s.Visits + s.UserId!.Value + (int)s.Theme + s.Username!.Length;
                }

                var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                return $"{allocated}|{sum}";
            });
        });

        await host.GetAsync("/login");
        var result = (await host.GetAsync("/measure")).Body.Split('|');

        Assert.Equal("0", result[0]);
        Assert.Equal((1001L * (5 + 1 + 1 + 3)).ToString(System.Globalization.CultureInfo.InvariantCulture), result[1]);
    }

    public sealed class Greeter(ShopSession session)
    {
        public string Greet() => $"Hello, {session.Username}!";
    }
}
