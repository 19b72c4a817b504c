using TypedSessions.Storage;

namespace TypedSessions.Tests.HostileInput;

/// <summary>
/// Keys are stored as UTF-8 (MessagePack str). A .NET string with an unpaired surrogate has no
/// UTF-8 form: the encoder writes U+FFFD, so a store that keeps envelopes would give the value back
/// under another key. Such keys are refused where they enter, not silently renamed.
/// </summary>
public sealed class UnpairedSurrogateTests
{
    [Fact]
    public void A_key_with_an_unpaired_surrogate_is_refused()
    {
        // Built in code: xunit's theory data would turn a lone surrogate into U+FFFD on the way.
        foreach (var key in new[] { "\ud800", "a\udc00b", "\udbff", "x\ud83d", "\ude00\ud83d" })
        {
            using var h = new SessionTestHarness();
            var session = h.NewSession();

            Assert.Throws<ArgumentException>(() => session.Set(key, "value"));
            Assert.Throws<ArgumentException>(() => session.SetBytes(key, [0xc0]));
            Assert.Throws<ArgumentException>(() => session.BindUser(key));
            Assert.False(session.IsModified);
        }
    }

    [Fact]
    public void A_user_key_the_envelope_could_not_hold_is_refused()
    {
        using var h = new SessionTestHarness();
        var session = h.NewSession();

        Assert.Throws<ArgumentException>(() => session.BindUser(new string('u', SessionEnvelopeLimits.Default.MaxUserKeyBytes + 1)));
        session.BindUser(new string('u', SessionEnvelopeLimits.Default.MaxUserKeyBytes));
        Assert.True(session.IsModified);
    }

    [Theory]
    [InlineData("🔑")]
    [InlineData("ключ")]
    [InlineData("a😀b")]
    public void Keys_with_paired_surrogates_and_other_scripts_are_accepted_and_round_trip(string key)
    {
        using var h = new SessionTestHarness();
        var session = h.NewSession();
        session.Set(key, "value");
        session.BindUser(key);

        var record = new SessionRecord(new Dictionary<string, byte[]>(StringComparer.Ordinal) { [key] = [0xc0] }, h.Now, new SessionLifetime(SessionExpiryMode.Default, h.Now.AddMinutes(1), null, TimeSpan.FromMinutes(1)), 1, key);
        var decoded = SessionEnvelope.Deserialize(SessionEnvelope.Serialize(record));

        Assert.True(decoded.Values.ContainsKey(key));
        Assert.Equal(key, decoded.UserKey);
    }
}
