using System.Net;
using TypedSessions.Ids;
using TypedSessions.Storage;
using TypedSessions.Tests.Integration;

namespace TypedSessions.Tests.Security;

/// <summary>
/// Session fixation and the id lifecycle (strict ids). Complements
/// Integration/LifecycleTests: an unknown id is never adopted
/// (A_well_formed_unknown_id_is_never_adopted), cycling kills the old id, flush replay shows nothing.
/// Here: an attacker's own live id planted before login, and ids that ended (expired, flushed,
/// cycled away) are never revived by a later write.
/// </summary>
public sealed class FixationTests
{
    [Fact]
    public async Task An_attackers_own_live_id_planted_in_a_victim_is_cycled_away_at_login()
    {
        await using var app = await SecurityEndpoints.StartAsync();
        using var attacker = app.CreateClient();
        using var victim = app.CreateClient();
        await attacker.PostAsync("/set?key=ref&value=attacker");
        var planted = attacker.Cookie!;

        victim.Cookie = planted;
        var login = await victim.PostAsync("/login?user=victim");

        Assert.Equal(HttpStatusCode.NoContent, login.StatusCode);
        Assert.NotNull(SessionClient.SetCookie(login));
        Assert.NotEqual(planted, victim.Cookie);
        Assert.Equal("victim", await victim.GetStringAsync("/whoami"));

        // The planted id is dead: the attacker holding it sees nothing of the victim's login.
        Assert.Equal("anonymous", await attacker.GetStringAsync("/whoami"));
        Assert.Null(await LoadAsync(app, planted));
    }

    [Fact]
    public async Task An_unknown_id_on_a_read_gets_no_cookie_back_and_nothing_is_stored_under_it()
    {
        await using var app = await SecurityEndpoints.StartAsync();
        using var client = app.CreateClient();
        var planted = SessionId.New().Value;
        client.Cookie = planted;

        Assert.Equal("anonymous", await client.GetStringAsync("/whoami"));

        Assert.Null(SessionClient.SetCookie(client.Last!));
        Assert.Equal(0, app.Store.Calls("create") + app.Store.Calls("save"));

        await client.PostAsync("/login?user=victim");
        Assert.NotEqual(planted, client.Cookie);
        Assert.Null(await LoadAsync(app, planted));
    }

    [Fact]
    public async Task An_expired_id_is_not_revived_by_a_later_write()
    {
        await using var app = await SecurityEndpoints.StartAsync();
        using var client = app.CreateClient();
        await client.PostAsync("/login?user=alice");
        var expired = client.Cookie!;
        app.Time.Advance(TimeSpan.FromMinutes(21));

        var response = await client.PostAsync("/set?key=cart&value=1");

        Assert.NotNull(SessionClient.SetCookie(response));
        Assert.NotEqual(expired, client.Cookie);
        Assert.Null(await LoadAsync(app, expired));
        Assert.Equal("anonymous", await client.GetStringAsync("/whoami"));
    }

    [Fact]
    public async Task A_logged_out_id_is_not_revived_by_a_replayed_write()
    {
        await using var app = await SecurityEndpoints.StartAsync();
        using var client = app.CreateClient();
        await client.PostAsync("/login?user=alice");
        var loggedOut = client.Cookie!;
        await client.PostAsync("/logout");
        Assert.Null(client.Cookie);

        // Moments later (a parallel request of the same browser): the tombstone answers 409, grants nothing, sets no cookie.
        client.Cookie = loggedOut;
        Assert.Equal("anonymous", await client.GetStringAsync("/whoami"));
        var racing = await client.PostAsync("/set?key=cart&value=1");
        Assert.Equal(HttpStatusCode.Conflict, racing.StatusCode);
        Assert.Null(SessionClient.SetCookie(racing));
        Assert.Null(await LoadAsync(app, loggedOut));

        // Once the tombstone has ended the old id is simply unknown: a new visitor with a new id, never the old one.
        app.Time.Advance(TimeSpan.FromSeconds(61));
        var replay = await client.PostAsync("/set?key=cart&value=1");
        Assert.NotNull(SessionClient.SetCookie(replay));
        Assert.NotEqual(loggedOut, client.Cookie);
        Assert.Null(await LoadAsync(app, loggedOut));
    }

    [Fact]
    public async Task A_cycled_away_id_is_not_revived_by_a_replayed_write_and_cannot_touch_the_new_session()
    {
        await using var app = await SecurityEndpoints.StartAsync();
        using var user = app.CreateClient();
        await user.PostAsync("/set?key=cart&value=3");
        var before = user.Cookie!;
        await user.PostAsync("/login?user=alice");
        var after = user.Cookie!;

        using var thief = app.CreateClient();
        thief.Cookie = before;
        var racing = await thief.PostAsync("/set?key=user&value=mallory");
        Assert.Equal(HttpStatusCode.Conflict, racing.StatusCode);
        Assert.Null(SessionClient.SetCookie(racing));
        Assert.Equal("anonymous", await thief.GetStringAsync("/whoami"));

        app.Time.Advance(TimeSpan.FromSeconds(61));
        await thief.PostAsync("/set?key=user&value=mallory");
        Assert.NotEqual(before, thief.Cookie);
        Assert.NotEqual(after, thief.Cookie);
        Assert.Null(await LoadAsync(app, before));
        Assert.Equal("alice", await user.GetStringAsync("/whoami"));
        Assert.Equal("3", await user.GetStringAsync("/read?key=cart"));
    }

    [Fact]
    public async Task Login_keeps_the_anonymous_data_under_the_new_id_only()
    {
        await using var app = await SecurityEndpoints.StartAsync();
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=cart&value=3");
        var anonymous = client.Cookie!;

        await client.PostAsync("/login?user=alice");

        Assert.NotEqual(anonymous, client.Cookie);
        var record = await LoadAsync(app, client.Cookie!);
        Assert.NotNull(record);
        Assert.Equal("alice", record.UserKey);
        Assert.True(record.Values.ContainsKey("cart"));
        Assert.Null(await LoadAsync(app, anonymous));
    }

    internal static async Task<SessionRecord?> LoadAsync(TestApp app, string rawId)
    {
        Assert.True(SessionId.TryParse(rawId, out var id));
        return (await app.Store.Inner.LoadAsync(id!.StoreKey, new SessionLoadRequest(app.Time.GetUtcNow(), null))).Record;
    }
}
