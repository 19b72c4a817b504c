namespace TypedSessions.Tests.SessionApi;

/// <summary>Binding a session to a user (the key "log out everywhere" revokes by).</summary>
public sealed class SessionUserBindingTests : SessionApiTestBase
{
    [Fact]
    public async Task BindUser_is_saved_and_unbinding_clears_it()
    {
        var session = _h.NewSession();
        session.BindUser("u1");
        Assert.Equal("u1", session.UserKey);
        Assert.NotNull(session.Id);
        await session.CommitAsync();
        Assert.Equal("u1", (await _h.StoredAsync(session.Id!))!.UserKey);

        var loaded = await _h.LoadedAsync(session.Id!);
        Assert.Equal("u1", loaded.UserKey);
        var stamp = loaded.ChangeStamp;
        loaded.BindUser("u1");
        Assert.Equal(stamp, loaded.ChangeStamp);
        Assert.False(loaded.IsModified);

        loaded.BindUser(null);
        await loaded.CommitAsync();
        Assert.Null((await _h.StoredAsync(session.Id!))!.UserKey);
    }
}
