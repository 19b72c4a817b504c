using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TypedSessions;

namespace ShopSample.Tests;

/// <summary>The sample logs session events (Shop/SessionEventLog.cs) with handles and user keys, never the id.</summary>
public sealed class SessionEventLogTests
{
    private const string Category = "ShopSample.Shop.SessionEventLog";

    [Fact]
    public async Task Login_logs_the_id_cycle_and_logout_the_flush_by_handle_and_user_only()
    {
        var logs = new CapturingLoggerProvider();
        using var app = new ShopApp(services: s => s.AddSingleton<ILoggerProvider>(logs));

        var anonymous = await app.StartSessionAsync();
        await app.LoginAsync("alice", "wonderland");
        var loggedIn = app.CookieValue!;
        var ticket = app.AuthCookieValue!;
        using (var response = await app.PostAsync("/api/logout"))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        var lines = logs.Lines.Where(l => l.Category == Category).ToList();
        Assert.Collection(
            lines,
            l => Assert.Equal(("SessionCreated", $"Session {HandleOf(anonymous)} created (user (anonymous))."), (l.EventName, l.Text)),
            // The auth ticket is a stored session of its own (the ticket store), bound to the user; logout deletes it.
            l => Assert.Equal(("SessionCreated", $"Session {HandleOf(ticket)} created (user 1)."), (l.EventName, l.Text)),
            l => Assert.Equal(("SessionIdCycled", $"Session {HandleOf(anonymous)} got a new id, now {HandleOf(loggedIn)} (user 1)."), (l.EventName, l.Text)),
            l => Assert.Equal(("SessionFlushed", $"Session {HandleOf(loggedIn)} ended (user 1)."), (l.EventName, l.Text)));
        Assert.All(logs.Lines, l =>
        {
            Assert.DoesNotContain(anonymous, l.Text, StringComparison.Ordinal);
            Assert.DoesNotContain(loggedIn, l.Text, StringComparison.Ordinal);
            Assert.DoesNotContain(ticket, l.Text, StringComparison.Ordinal);
        });
    }

    // What the library computes: the first 16 hex characters of SHA-256 of the id's 32 bytes (its store key).
    private static SessionHandle HandleOf(string cookie)
        => SessionHandle.FromStoreKey(Convert.ToHexStringLower(SHA256.HashData(Base64Url.DecodeFromChars(cookie))));

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        private readonly ConcurrentQueue<(string Category, string? EventName, string Text)> _lines = new();

        public IReadOnlyCollection<(string Category, string? EventName, string Text)> Lines => _lines;

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<(string, string?, string)> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
                => lines.Enqueue((category, eventId.Name, formatter(state, exception)));
        }
    }
}
