using System.Buffers.Text;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using TypedSessions.Storage;
using TypedSessions.AspNetCore.Transports;
using TypedSessions.Storage.Cookie;

namespace TypedSessions.Tests.CookieStore;

/// <summary>The encrypted cookie store through the real pipeline, with a cookie container across requests.</summary>
public sealed class CookieStoreTests
{
    private const string Name = CookieStoreApp.CookieName;

    [Fact]
    public async Task Values_round_trip_across_requests_in_an_encrypted_cookie_with_the_secure_attributes()
    {
        await using var app = await CookieStoreApp.StartAsync();
        using var client = app.CreateClient();

        var set = await client.PostAsync("/set?key=name&value=alice");
        Assert.Equal(HttpStatusCode.NoContent, set.StatusCode);
        var header = Assert.Single(client.LastSetCookies);
        Assert.StartsWith(Name + "=", header, StringComparison.Ordinal);
        Assert.Contains("; secure", header, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; httponly", header, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; samesite=lax", header, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; path=/", header, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("max-age=", header, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("domain=", header, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("no-store", set.Headers.CacheControl?.ToString());
        Assert.DoesNotContain("alice", client.SessionCookies()[Name], StringComparison.Ordinal);

        await client.PostAsync("/list/add?value=1&peek=false");
        await client.PostAsync("/list/add?value=2&peek=false");
        Assert.Equal("alice", await client.GetStringAsync("/read?key=name"));
        Assert.Equal("1,2", await client.GetStringAsync("/list"));
        Assert.Contains("Cookie", client.Last!.Headers.Vary);

        // A read that changes nothing and is not due for a touch re-sends nothing.
        Assert.Empty(client.LastSetCookies);
        Assert.False(await IsNew(client));
    }

    [Fact]
    public async Task A_large_session_spreads_over_chunks_and_shrinking_it_deletes_the_stale_chunks()
    {
        await using var app = await CookieStoreApp.StartAsync();
        using var client = app.CreateClient();

        await client.PostAsync("/fill?key=blob&size=9000&repetitive=false");
        var cookies = client.SessionCookies();
        var count = int.Parse(cookies[Name]["chunks-".Length..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.StartsWith("chunks-", cookies[Name], StringComparison.Ordinal);
        Assert.InRange(count, 3, 4);
        Assert.Equal(count + 1, cookies.Count);
        Assert.All(Enumerable.Range(1, count), i => Assert.InRange(cookies[Name + "C" + i].Length, 1, 4000));
        Assert.All(client.LastSetCookies, h => Assert.True(h.Length < 4096, $"Set-Cookie of {h.Length} bytes"));
        Assert.All(client.LastSetCookies, h =>
        {
            Assert.StartsWith(Name, h, StringComparison.Ordinal);
            Assert.Contains("; secure", h, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("; httponly", h, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("; samesite=lax", h, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("; path=/", h, StringComparison.OrdinalIgnoreCase);
        });
        Assert.Equal("9000", await client.GetStringAsync("/length?key=blob"));

        await client.PostAsync("/fill?key=blob&size=10&repetitive=false");
        Assert.Equal(count + 1, client.LastSetCookies.Count);
        Assert.All(Enumerable.Range(1, count), i => Assert.Contains(client.LastSetCookies, h => h.StartsWith(Name + "C" + i + "=;", StringComparison.Ordinal) && h.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase)));
        Assert.Equal([Name], client.SessionCookies().Keys);
        Assert.Equal("10", await client.GetStringAsync("/length?key=blob"));
    }

    [Fact]
    public async Task An_endpoint_that_starts_the_response_itself_still_gets_its_session_written()
    {
        await using var app = await CookieStoreApp.StartAsync();
        using var client = app.CreateClient();

        var response = await client.PostAsync("/fill-json?key=blob&size=9000");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(client.SessionCookies().Count >= 3);
        Assert.Equal("9000", await client.GetStringAsync("/length?key=blob"));
    }

    [Fact]
    public async Task Over_the_size_limit_when_the_endpoint_starts_the_response_writes_no_cookie()
    {
        await using var app = await CookieStoreApp.StartAsync(o => o.MaxChunks = 2);
        using var client = app.CreateClient();
        await client.PostAsync("/fill?key=blob&size=3000&repetitive=false");
        var before = client.SessionCookies();

        await Assert.ThrowsAsync<SessionCookieTooLargeException>(() => client.PostAsync("/fill-json?key=blob&size=12000"));
        Assert.Equal(before, client.SessionCookies());
        Assert.Equal("3000", await client.GetStringAsync("/length?key=blob"));
    }

    [Fact]
    public async Task Over_the_size_limit_is_a_clear_exception_and_the_client_keeps_its_previous_cookies()
    {
        await using var app = await CookieStoreApp.StartAsync(o => o.MaxChunks = 2);
        using var client = app.CreateClient();
        await client.PostAsync("/fill?key=blob&size=3000&repetitive=false");
        var before = client.SessionCookies();

        var ex = await Assert.ThrowsAsync<SessionCookieTooLargeException>(() => client.PostAsync("/fill?key=blob&size=12000&repetitive=false"));
        Assert.Equal(7800, ex.Limit);
        Assert.True(ex.Size > ex.Limit);
        Assert.Contains($"{ex.Size} bytes", ex.Message, StringComparison.Ordinal);
        Assert.Contains("limit of 7800 bytes", ex.Message, StringComparison.Ordinal);

        Assert.Equal(before, client.SessionCookies());
        Assert.Equal("3000", await client.GetStringAsync("/length?key=blob"));
    }

    [Theory]
    [InlineData("flip")]
    [InlineData("truncate")]
    [InlineData("garbage")]
    public async Task A_tampered_or_malformed_cookie_gives_a_fresh_session_and_is_dropped(string damage)
    {
        await using var app = await CookieStoreApp.StartAsync();
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=name&value=alice");
        var value = client.SessionCookies()[Name];
        var damaged = damage switch
        {
            "flip" => value[..40] + (value[40] == 'A' ? 'B' : 'A') + value[41..],
            "truncate" => value[..^10],
            _ => "not*a*cookie",
        };
        client.Put(Name, damaged);

        Assert.Equal("(none)", await client.GetStringAsync("/read?key=name"));
        Assert.Contains(client.LastSetCookies, h => h.StartsWith(Name + "=;", StringComparison.Ordinal));
        Assert.Empty(client.SessionCookies());
        var rejected = Assert.Single(app.Logs.Entries, e => e.Id.Name == "CookieRejected");
        Assert.DoesNotContain(damaged, rejected.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(value[..20], rejected.Text, StringComparison.Ordinal);

        // The next write starts a brand-new session.
        await client.PostAsync("/set?key=name&value=bob");
        Assert.Equal("bob", await client.GetStringAsync("/read?key=name"));
        Assert.False(await IsNew(client));
    }

    [Theory]
    [InlineData("swap")]
    [InlineData("missing")]
    [InlineData("count")]
    public async Task Swapped_or_missing_chunks_give_a_fresh_session(string damage)
    {
        await using var app = await CookieStoreApp.StartAsync();
        using var client = app.CreateClient();
        await client.PostAsync("/fill?key=blob&size=9000&repetitive=false");
        var cookies = client.SessionCookies();
        switch (damage)
        {
            case "swap":
                client.Put(Name + "C1", cookies[Name + "C2"]);
                client.Put(Name + "C2", cookies[Name + "C1"]);
                break;
            case "missing":
                client.Remove(Name + "C2");
                break;
            default:
                client.Put(Name, "chunks-2");
                break;
        }

        Assert.Equal("-1", await client.GetStringAsync("/length?key=blob"));
        Assert.Contains(app.Logs.Entries, e => e.Id.Name == "CookieRejected");
        Assert.Empty(client.SessionCookies());
    }

    [Fact]
    public async Task A_cookie_from_another_apps_key_ring_gives_a_fresh_session()
    {
        await using var other = await CookieStoreApp.StartAsync();
        using var otherClient = other.CreateClient();
        await otherClient.PostAsync("/set?key=name&value=mallory");

        await using var app = await CookieStoreApp.StartAsync();
        using var client = app.CreateClient();
        client.Put(Name, otherClient.SessionCookies()[Name]);

        Assert.Equal("(none)", await client.GetStringAsync("/read?key=name"));
        Assert.Contains(app.Logs.Entries, e => e.Id.Name == "CookieRejected" && e.Text.Contains("does not decrypt", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_payload_protected_for_another_purpose_gives_a_fresh_session()
    {
        await using var app = await CookieStoreApp.StartAsync();
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=name&value=alice");

        // The same key ring, the same plaintext, another purpose: refused.
        var provider = app.Services.GetRequiredService<IDataProtectionProvider>();
        var plain = provider.CreateProtector(CookieSessionStore.Purpose, Name).Unprotect(Base64Url.DecodeFromChars(client.SessionCookies()[Name]));
        client.Put(Name, Base64Url.EncodeToString(provider.CreateProtector("SomethingElse.v1").Protect(plain)));
        Assert.Equal("(none)", await client.GetStringAsync("/read?key=name"));

        // Re-protected for the right purpose, the same plaintext is accepted: the purpose was the only difference.
        client.Put(Name, Base64Url.EncodeToString(provider.CreateProtector(CookieSessionStore.Purpose, Name).Protect(plain)));
        Assert.Equal("alice", await client.GetStringAsync("/read?key=name"));
    }

    [Fact]
    public async Task The_idle_expiry_inside_the_payload_ends_the_session_although_the_cookie_is_still_sent()
    {
        await using var app = await CookieStoreApp.StartAsync();
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=name&value=alice");

        app.Time.Advance(TimeSpan.FromMinutes(21));
        Assert.NotEmpty(client.SessionCookies());
        Assert.Equal("(none)", await client.GetStringAsync("/read?key=name"));
        Assert.Contains(app.Logs.Entries, e => e.Id.Name == "SessionNotFound");
        Assert.Empty(client.SessionCookies());
    }

    [Fact]
    public async Task The_absolute_timeout_inside_the_payload_ends_even_an_active_session()
    {
        await using var app = await CookieStoreApp.StartAsync(configure: o => o.AbsoluteTimeout = TimeSpan.FromHours(1));
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=name&value=alice");
        for (var i = 0; i < 5; i++)
        {
            app.Time.Advance(TimeSpan.FromMinutes(10));
            Assert.Equal("alice", await client.GetStringAsync("/read?key=name"));
        }

        app.Time.Advance(TimeSpan.FromMinutes(11));
        Assert.NotEmpty(client.SessionCookies());
        Assert.Equal("(none)", await client.GetStringAsync("/read?key=name"));
    }

    [Fact]
    public async Task Sliding_re_issues_the_cookie_only_when_a_touch_is_due()
    {
        await using var app = await CookieStoreApp.StartAsync();
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=name&value=alice");
        var first = client.SessionCookies()[Name];

        app.Time.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal("alice", await client.GetStringAsync("/read?key=name"));
        Assert.Empty(client.LastSetCookies);

        app.Time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal("alice", await client.GetStringAsync("/read?key=name"));
        Assert.Single(client.LastSetCookies);
        Assert.NotEqual(first, client.SessionCookies()[Name]);

        // Slid at minute 6: alive at minute 25, 19 minutes after the touch.
        app.Time.Advance(TimeSpan.FromMinutes(19));
        Assert.Equal("alice", await client.GetStringAsync("/read?key=name"));
    }

    [Fact]
    public async Task Flush_deletes_every_chunk()
    {
        await using var app = await CookieStoreApp.StartAsync();
        using var client = app.CreateClient();
        await client.PostAsync("/fill?key=blob&size=9000&repetitive=false");
        var names = client.SessionCookies().Keys.ToList();
        Assert.True(names.Count >= 3);

        var flush = await client.PostAsync("/flush");
        Assert.Equal("no-store", flush.Headers.CacheControl?.ToString());
        Assert.All(names, n => Assert.Contains(client.LastSetCookies, h => h.StartsWith(n + "=;", StringComparison.Ordinal) && h.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase)));
        Assert.Empty(client.SessionCookies());
        Assert.Equal("-1", await client.GetStringAsync("/length?key=blob"));
        Assert.True(await IsNew(client));
    }

    [Fact]
    public async Task Cycling_the_id_keeps_the_data_under_a_new_cookie()
    {
        await using var app = await CookieStoreApp.StartAsync();
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=name&value=alice");
        var before = client.SessionCookies()[Name];
        var provider = app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(CookieSessionStore.Purpose, Name);
        var idBefore = PayloadId(provider, before);

        await client.PostAsync("/cycle");
        var after = client.SessionCookies()[Name];
        Assert.NotEqual(idBefore, PayloadId(provider, after));
        Assert.Equal("alice", await client.GetStringAsync("/read?key=name"));
        Assert.False(await IsNew(client));
    }

    [Fact]
    public async Task Browser_close_mode_sends_no_expires_and_the_payload_still_ends_at_the_idle_timeout()
    {
        await using var app = await CookieStoreApp.StartAsync();
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=name&value=alice");
        await client.PostAsync("/expiry/browser");
        var header = Assert.Single(client.LastSetCookies);
        Assert.DoesNotContain("expires=", header, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("max-age=", header, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("BrowserClose", (await Info(client)).GetProperty("mode").GetString());

        app.Time.Advance(TimeSpan.FromMinutes(21));
        Assert.Equal("(none)", await client.GetStringAsync("/read?key=name"));
    }

    [Fact]
    public async Task Set_expiry_variants_travel_in_the_payload()
    {
        await using var app = await CookieStoreApp.StartAsync();
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=name&value=alice");

        await client.PostAsync("/expiry/relative?seconds=60");
        Assert.Equal("Relative", (await Info(client)).GetProperty("mode").GetString());
        app.Time.Advance(TimeSpan.FromSeconds(50));
        Assert.Equal("alice", await client.GetStringAsync("/read?key=name"));

        var at = app.Time.GetUtcNow().AddMinutes(30);
        await client.PostAsync("/expiry/absolute?at=" + Uri.EscapeDataString(at.ToString("O")));
        var info = await Info(client);
        Assert.Equal("Absolute", info.GetProperty("mode").GetString());
        Assert.Equal(at.ToUnixTimeMilliseconds(), info.GetProperty("expiresAt").GetDateTimeOffset().ToUnixTimeMilliseconds());

        await client.PostAsync("/expiry/reset");
        Assert.Equal("Default", (await Info(client)).GetProperty("mode").GetString());
        app.Time.Advance(TimeSpan.FromMinutes(19));
        Assert.Equal("alice", await client.GetStringAsync("/read?key=name"));
        app.Time.Advance(TimeSpan.FromMinutes(21));
        Assert.Equal("(none)", await client.GetStringAsync("/read?key=name"));
    }

    [Fact]
    public async Task Compression_shrinks_a_repetitive_payload()
    {
        await using var compressed = await CookieStoreApp.StartAsync();
        using var small = compressed.CreateClient();
        await small.PostAsync("/fill?key=blob&size=6000&repetitive=true");

        await using var plain = await CookieStoreApp.StartAsync(o => o.CompressionThreshold = int.MaxValue);
        using var large = plain.CreateClient();
        await large.PostAsync("/fill?key=blob&size=6000&repetitive=true");

        var smallSize = small.SessionCookies().Values.Sum(v => v.Length);
        var largeSize = large.SessionCookies().Values.Sum(v => v.Length);
        Assert.True(smallSize * 10 < largeSize, $"compressed {smallSize} vs uncompressed {largeSize}");
        Assert.Single(small.SessionCookies());
        Assert.Equal("6000", await small.GetStringAsync("/length?key=blob"));
    }

    [Fact]
    public async Task Concurrent_requests_do_not_merge_the_last_response_wins()
    {
        await using var app = await CookieStoreApp.StartAsync();
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=name&value=alice");
        var start = client.SessionCookies()[Name];

        await client.PostAsync("/set?key=a&value=1");
        client.Put(Name, start);
        await client.PostAsync("/set?key=b&value=2");

        Assert.Equal("2", await client.GetStringAsync("/read?key=b"));
        Assert.Equal("(none)", await client.GetStringAsync("/read?key=a"));
    }

    [Fact]
    public async Task Log_out_everywhere_is_not_supported_and_says_so()
    {
        await using var app = await CookieStoreApp.StartAsync();
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=name&value=alice");

        var text = await (await client.PostAsync("/revoke")).Content.ReadAsStringAsync();
        Assert.StartsWith("not supported: ", text, StringComparison.Ordinal);
        Assert.Contains("ISessionUserIndex", text, StringComparison.Ordinal);
        Assert.Equal("alice", await client.GetStringAsync("/read?key=name"));
    }

    [Fact]
    public async Task A_change_after_the_response_started_is_refused_not_lost_silently()
    {
        await using var app = await CookieStoreApp.StartAsync();
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=name&value=alice");

        var text = await (await client.PostAsync("/late-write")).Content.ReadAsStringAsync();
        Assert.StartsWith("started;", text, StringComparison.Ordinal);
        Assert.Contains("already saved", text, StringComparison.Ordinal);
        Assert.Equal("(none)", await client.GetStringAsync("/read?key=late"));
    }

    [Fact]
    public async Task An_in_place_change_after_the_cookie_was_sent_is_reported_and_the_connection_aborted()
    {
        await using var app = await CookieStoreApp.StartAsync();
        using var client = app.CreateClient();
        await client.PostAsync("/list/add?value=1&peek=false");

        await Record.ExceptionAsync(async () =>
        {
            var response = await client.PostAsync("/late-mutation");
            await response.Content.ReadAsStringAsync();
        });

        Assert.Contains(app.Logs.Entries, e => e.Id.Name == "CommitFailedAfterStart" && e.Text.Contains("changed after the response started", StringComparison.Ordinal));
        Assert.Equal("1", await client.GetStringAsync("/list"));
    }

    [Fact]
    public async Task A_request_whose_endpoint_throws_writes_no_cookie()
    {
        await using var app = await CookieStoreApp.StartAsync(exceptionHandler: true);
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=name&value=alice");
        var before = client.SessionCookies();

        var failed = await client.PostAsync("/throw");
        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal("failed", await failed.Content.ReadAsStringAsync());
        Assert.Empty(client.LastSetCookies);
        Assert.Equal(before, client.SessionCookies());
        Assert.Equal("(none)", await client.GetStringAsync("/read?key=doomed"));
    }

    [Fact]
    public async Task The_cookie_store_is_a_transport_not_a_server_side_store()
    {
        await using var app = await CookieStoreApp.StartAsync();
        Assert.IsType<EncryptedCookieTransport>(app.Services.GetRequiredService<SessionTransport>());
        Assert.NotNull(app.Services.GetRequiredService<CookieSessionStore>());

        // Nothing is stored on the server: asking for a store or a manager says so instead of handing out one that throws later.
        var store = Assert.Throws<InvalidOperationException>(() => app.Services.GetRequiredService<ISessionStore>());
        Assert.Contains("encrypted cookie", store.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => app.Services.GetRequiredService<ISessionManager>());
    }

    private static async Task<bool> IsNew(CookieJarClient client) => (await Info(client)).GetProperty("isNew").GetBoolean();

    private static async Task<JsonElement> Info(CookieJarClient client)
        => JsonDocument.Parse(await client.GetStringAsync("/info")).RootElement.Clone();

    private static string PayloadId(IDataProtector protector, string value)
        => System.Text.Encoding.ASCII.GetString(protector.Unprotect(Base64Url.DecodeFromChars(value)), 2, 43);
}
