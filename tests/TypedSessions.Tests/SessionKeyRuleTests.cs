using System.Text;
using TypedSessions.Storage;
using TypedSessions.Tests.Shared;

namespace TypedSessions.Tests;

/// <summary>
/// The runtime side of the one key rule (<see cref="SessionKeyRules"/>): the untyped API accepts exactly the keys of the
/// shared table marked accepted (the analyzer's side runs the same table in <c>SessionKeyAgreementTests</c>).
/// </summary>
public sealed class SessionKeyRuleTests : IDisposable
{
    private readonly SessionTestHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public void The_untyped_api_accepts_exactly_the_keys_the_shared_table_accepts()
    {
        var failures = new List<string>();
        foreach (var (name, key, accepted) in SessionKeyCases.All)
        {
            var writes = new (string Member, Action<Session> Write)[]
            {
                ("Set", s => s.Set(key, 1)),
                ("SetBytes", s => s.SetBytes(key, [0x02])),
                ("GetOrNew", s => s.GetOrNew<List<int>>(key).Add(3)),
            };
            foreach (var (member, write) in writes)
            {
                var session = _h.NewSession();
                var thrown = Record.Exception(() => write(session));
                if (accepted && thrown is not null)
                {
                    failures.Add($"{name}: {member} refused it ({thrown.Message})");
                }
                else if (accepted && member != "GetOrNew" && !session.Keys.SequenceEqual([key]))
                {
                    failures.Add($"{name}: {member} did not store it");
                }
                else if (!accepted && thrown is not ArgumentException { ParamName: "key" })
                {
                    failures.Add($"{name}: {member} accepted it, or threw {thrown?.GetType().Name}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public void Keys_with_the_reserved_prefix_are_framework_keys_the_untyped_api_accepts()
    {
        var session = _h.NewSession();

        session.Set("__ControllerTempData", new byte[] { 1 });

        Assert.True(SessionKeyRules.IsReserved("__ControllerTempData"));
        Assert.Null(SessionKeyRules.DescribeInvalidKey("__ControllerTempData"));
        Assert.Equal([1], session.Get<byte[]>("__ControllerTempData"));
    }

    [Fact]
    public void A_refused_key_says_why()
    {
        var session = _h.NewSession();

        var control = Assert.Throws<ArgumentException>(() => session.Set("a\0b", 1));
        var blank = Assert.Throws<ArgumentException>(() => session.Set("  ", 1));
        var surrogate = Assert.Throws<ArgumentException>(() => session.Set("\uD800", 1));

        Assert.Contains("control characters", control.Message, StringComparison.Ordinal);
        Assert.Contains("white space", blank.Message, StringComparison.Ordinal);
        Assert.Contains("unpaired surrogate", surrogate.Message, StringComparison.Ordinal);
        Assert.Equal(0, session.Count);
    }

    // The analyzer may run on .NET Framework, whose Unicode data differ: the rule has its own tables, which must
    // match .NET 10's answers for every UTF-16 code unit (so the runtime's rule is what it was meant to be).
    [Fact]
    public void The_fixed_character_tables_match_the_runtime_unicode_data_for_every_char()
    {
        for (var i = 0; i <= char.MaxValue; i++)
        {
            var c = (char)i;
            Assert.True(char.IsWhiteSpace(c) == SessionKeyRules.IsWhiteSpace(c), $"IsWhiteSpace differs for U+{i:X4}");
            Assert.True(char.IsControl(c) == SessionKeyRules.IsControl(c), $"IsControl differs for U+{i:X4}");
        }
    }

    [Fact]
    public void The_reserved_prefix_and_the_longest_key_are_defined_once()
    {
        Assert.Equal(SessionKeyRules.ReservedPrefix, SessionKeyAttribute.ReservedPrefix);
        Assert.Equal(SessionKeyRules.MaxKeyLength, Session.MaxKeyLength);
    }

    // Every key the API accepts must fit the decoder's default key limit, or a store would write what it cannot load.
    [Fact]
    public void The_longest_accepted_key_in_utf8_fits_the_default_decoder_limit_and_round_trips()
    {
        var longest = SessionKeyCases.All.Where(c => c.Accepted).MaxBy(c => Encoding.UTF8.GetByteCount(c.Key)).Key;
        Assert.Equal(3 * Session.MaxKeyLength, Encoding.UTF8.GetByteCount(longest));
        Assert.True(SessionEnvelopeLimits.Default.MaxKeyBytes >= Encoding.UTF8.GetByteCount(longest));

        var now = SessionTestHarness.Start;
        var record = new SessionRecord(
            SessionKeyCases.All.Where(c => c.Accepted).ToDictionary(c => c.Key, _ => new byte[] { 0xc0 }, StringComparer.Ordinal),
            now,
            new SessionLifetime(SessionExpiryMode.Default, now.AddMinutes(20), null, TimeSpan.FromMinutes(20)));

        var decoded = SessionEnvelope.Deserialize(SessionEnvelope.Serialize(record));

        Assert.Equal(record.Values.Keys.Order(StringComparer.Ordinal), decoded.Values.Keys.Order(StringComparer.Ordinal));
    }
}
