using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace TypedSessions.Tests.Parity;

/// <summary>
/// The endpoints both sides serve, written only against <c>HttpContext.Session</c> (<see cref="ISession"/> and its
/// <c>SessionExtensions</c>), as an app written for <c>Microsoft.AspNetCore.Session</c> is.
/// </summary>
internal static class ParityEndpoints
{
    public const string None = "(none)";

    public static void Map(WebApplication app)
    {
        app.MapPost("/set-string", (HttpContext c, string key, string value) => c.Session.SetString(key, value));
        app.MapGet("/get-string", (HttpContext c, string key) => c.Session.GetString(key) ?? None);
        app.MapPost("/set-int", (HttpContext c, string key, int value) => c.Session.SetInt32(key, value));
        app.MapGet("/get-int", (HttpContext c, string key) => c.Session.GetInt32(key)?.ToString(CultureInfo.InvariantCulture) ?? None);
        app.MapPost("/set-bytes", (HttpContext c, string key, string hex) => c.Session.Set(key, Convert.FromHexString(hex)));
        app.MapGet("/get-bytes", (HttpContext c, string key) =>
        {
            // TryGetValue and the Get extension must agree.
            var found = c.Session.TryGetValue(key, out var bytes);
            var viaGet = c.Session.Get(key);
            Assert.Equal(found, viaGet is not null);
            return found ? Convert.ToHexString(bytes!) + " " + Convert.ToHexString(viaGet!) : None;
        });
        app.MapPost("/remove", (HttpContext c, string key) => c.Session.Remove(key));
        app.MapPost("/clear", (HttpContext c) => c.Session.Clear());
        app.MapPost("/remove-prefixed", (HttpContext c, string prefix) =>
        {
            // Removing while enumerating Keys, as apps clearing a group of keys do.
            foreach (var key in c.Session.Keys)
            {
                if (key.StartsWith(prefix, StringComparison.Ordinal))
                {
                    c.Session.Remove(key);
                }
            }
        });
        app.MapGet("/keys", (HttpContext c) => string.Join(",", c.Session.Keys.Order(StringComparer.Ordinal)));
        app.MapGet("/key-count", (HttpContext c) => c.Session.Keys.Count().ToString(CultureInfo.InvariantCulture));
        app.MapGet("/id", (HttpContext c) => c.Session.Id);
        app.MapGet("/available", (HttpContext c) => c.Session.IsAvailable.ToString(CultureInfo.InvariantCulture));

        app.MapPost("/commit", async (HttpContext c, string key, string value) =>
        {
            c.Session.SetString(key, value);
            await c.Session.CommitAsync();
            return "committed";
        });

        // Both requests of a pair have loaded the session before either writes: they read the same state.
        app.MapPost("/rendezvous-set", async (HttpContext c, string key, string value) =>
        {
            await c.Session.LoadAsync();
            await c.RequestServices.GetRequiredService<Rendezvous>().ArriveAndWaitAsync();
            c.Session.SetString(key, value);
        });

        app.MapPost("/set-then-throw", (HttpContext c, string key, string value) =>
        {
            c.Session.SetString(key, value);
            throw new InvalidOperationException("The endpoint failed after writing the session.");
        });

        // Optionally writes before the response starts, then writes once more after it started.
        app.MapPost("/set-after-start", async (HttpContext c, string key, string value, string? before) =>
        {
            if (before is not null)
            {
                c.Session.SetString(before, value);
            }

            await c.Response.StartAsync();
            string outcome;
            try
            {
                c.Session.SetString(key, value);
                outcome = "accepted";
            }
            catch (InvalidOperationException)
            {
                outcome = "refused";
            }

            await c.Response.WriteAsync(outcome);
        });

        app.MapPost("/set-large", (HttpContext c, string key, int size) => c.Session.Set(key, new byte[size]));
        app.MapGet("/get-length", (HttpContext c, string key) => c.Session.Get(key)?.Length.ToString(CultureInfo.InvariantCulture) ?? None);

        // Keys an app may build from data: empty, long, with a control character.
        app.MapPost("/set-unusual-keys", (HttpContext c) =>
        {
            (string Name, string Key)[] keys = [("empty", string.Empty), ("300 chars", new string('k', 300)), ("control char", "a\u0001b")];
            return string.Join(", ", keys.Select(k =>
            {
                try
                {
                    c.Session.SetString(k.Key, "v");
                    return k.Name + ": accepted";
                }
                catch (ArgumentException)
                {
                    return k.Name + ": refused";
                }
            }));
        });
    }
}
