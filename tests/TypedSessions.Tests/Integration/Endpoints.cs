using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace TypedSessions.Tests.Integration;

/// <summary>The endpoints the integration tests drive; each exercises one part of the session API.</summary>
internal static class Endpoints
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/noop", () => "noop");
        app.MapGet("/health", () => "ok").WithoutSession();
        app.MapGet("/health-touch", (HttpContext c) => c.GetSession().Get<string>("name") ?? "none").WithoutSession();
        app.MapGet("/read", (HttpContext c, string key) => c.GetSession().Get<string>(key) ?? "(none)");
        app.MapPost("/set", (HttpContext c, string key, string value) =>
        {
            c.GetSession().Set(key, value);
            return Results.NoContent();
        });
        app.MapPost("/set-json", (HttpContext c, string key, string value) =>
        {
            c.GetSession().Set(key, value);
            return Results.Json(new { key, value });
        });
        app.MapPost("/inc/{name}", (HttpContext c, string name) =>
        {
            var session = c.GetSession();
            var value = session.Get<int>("counter:" + name) + 1;
            session.Set("counter:" + name, value);
            return Results.Text(value.ToString(CultureInfo.InvariantCulture));
        });
        app.MapGet("/counters", (HttpContext c) =>
        {
            var session = c.GetSession();
            return Results.Json(session.Keys.Where(k => k.StartsWith("counter:", StringComparison.Ordinal))
                .ToDictionary(k => k["counter:".Length..], k => session.Get<int>(k)));
        });
        app.MapPost("/cycle", (HttpContext c) =>
        {
            c.GetSession().CycleId();
            return Results.NoContent();
        });
        app.MapPost("/flush", (HttpContext c) =>
        {
            c.GetSession().Flush();
            return Results.NoContent();
        });
        app.MapPost("/clear", (HttpContext c) =>
        {
            c.GetSession().Clear();
            return Results.NoContent();
        });
        app.MapPost("/expiry/relative", (HttpContext c, int seconds) =>
        {
            c.GetSession().SetExpiry(TimeSpan.FromSeconds(seconds));
            return Results.NoContent();
        });
        app.MapPost("/expiry/absolute", (HttpContext c, DateTimeOffset at) =>
        {
            c.GetSession().SetExpiry(at);
            return Results.NoContent();
        });
        app.MapPost("/expiry/browser", (HttpContext c) =>
        {
            c.GetSession().SetExpiryAtBrowserClose();
            return Results.NoContent();
        });
        app.MapPost("/expiry/reset", (HttpContext c) =>
        {
            c.GetSession().ResetExpiry();
            return Results.NoContent();
        });
        app.MapGet("/info", (HttpContext c) =>
        {
            var s = c.GetSession();
            return Results.Json(new { isNew = s.IsNew, expiresAt = s.ExpiresAt, mode = s.ExpiryMode.ToString(), count = s.Count, createdAt = s.CreatedAt });
        });
        app.MapPost("/big", (HttpContext c, int size) =>
        {
            c.GetSession().Set("big", new byte[size]);
            return Results.NoContent();
        });
        app.MapPost("/stream-then-set", async (HttpContext c, string key, string value) =>
        {
            await c.Response.WriteAsync("started;");
            await c.Response.Body.FlushAsync();
            c.GetSession().Set(key, value);
        });
        app.MapPost("/late-write", async (HttpContext c) =>
        {
            await c.Response.WriteAsync("started;");
            try
            {
                c.GetSession().Set("late", "value");
                await c.Response.WriteAsync("no error");
            }
            catch (InvalidOperationException ex)
            {
                await c.Response.WriteAsync(ex.Message);
            }
        });
        app.MapPost("/throw", (HttpContext c) =>
        {
            c.GetSession().Set("doomed", "value");
            throw new InvalidOperationException("endpoint failed");
        });
        app.MapPost("/list/add", (HttpContext c, int value, bool peek) =>
        {
            var session = c.GetSession();
            if (session.Get<List<int>>("list") is { } list)
            {
                list.Add(value);
            }
            else
            {
                session.Set("list", new List<int> { value });
            }

            if (peek)
            {
                _ = session.GetBytes("list");
            }

            return Results.NoContent();
        });
        app.MapGet("/list", (HttpContext c) => string.Join(",", c.GetSession().Get<List<int>>("list") ?? []));
        app.MapGet("/bound", (Session session) => session.Get<string>("name") ?? "(none)");
        app.MapPost("/bound-set", (Session session, string value) =>
        {
            session.Set("name", value);
            return Results.NoContent();
        });
        app.MapGet("/available", (HttpContext c) =>
        {
            var s = c.GetSession();
            if (s.IsAvailable)
            {
                return Results.Text("available");
            }

            try
            {
                s.Set("name", "x");
                return Results.Text("write allowed");
            }
            catch (SessionUnavailableException)
            {
                return Results.Text("unavailable; write refused");
            }
        });
    }
}
