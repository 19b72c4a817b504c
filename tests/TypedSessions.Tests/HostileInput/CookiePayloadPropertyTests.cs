using System.Diagnostics.CodeAnalysis;
using CsCheck;
using MessagePack;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using TypedSessions.Ids;
using TypedSessions.Storage;
using TypedSessions.Storage.Cookie;

namespace TypedSessions.Tests.HostileInput;

/// <summary>
/// The cookie store's reader (<see cref="CookieSessionStore.Read"/>) against damaged and arbitrary cookies:
/// it never throws, and no damaged value is accepted.
/// </summary>
public sealed class CookiePayloadPropertyTests
{
    private const string Name = "__Host-session";
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    private static readonly CookieSessionStore Store = new(
        new EphemeralDataProtectionProvider(),
        Options.Create(new CookieSessionStoreOptions { ChunkSize = 256, MaxChunks = 8 }),
        Options.Create(new TypedSessionOptions()));

    // A real session large enough to take several 256-character chunks.
    private static readonly string Valid = Store.Protect(SessionId.New(), new SessionRecord(
        new Dictionary<string, byte[]>
        {
            ["name"] = MessagePackSerializer.Serialize("alice"),
            ["blob"] = MessagePackSerializer.Serialize(Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(400))),
        },
        DateTimeOffset.UtcNow,
        new SessionLifetime(SessionExpiryMode.Default, DateTimeOffset.UtcNow.AddMinutes(20), null, TimeSpan.FromMinutes(20))));

    [Fact]
    public void The_valid_value_reads_back()
    {
        var read = Store.Read(new Cookies(Store.Chunk(Name, Valid)), Name);
        Assert.Null(read.Failure);
        Assert.Equal(2, read.Record!.Values.Count);
        Assert.True(Store.Chunk(Name, Valid).Count > 3);
    }

    [Fact]
    public void Any_single_character_change_or_truncation_is_rejected_without_throwing()
    {
        // The last character is left alone: its low bits may carry no data in base64url.
        Gen.Select(Gen.Int[0, Valid.Length - 2], Gen.Char[Alphabet], Gen.Bool).Sample((index, replacement, truncate) =>
        {
            var damaged = truncate ? Valid[..index] : Valid[..index] + replacement + Valid[(index + 1)..];
            if (damaged == Valid)
            {
                return;
            }

            var read = Store.Read(new Cookies(Store.Chunk(Name, damaged)), Name);
            Assert.NotNull(read.Failure);
            Assert.Null(read.Record);
        });
    }

    [Fact]
    public void Arbitrary_cookie_sets_never_throw_and_are_never_accepted()
    {
        var value = Gen.Frequency(
            (4, Gen.String[Gen.Char[Alphabet], 0, 600]),
            (2, Gen.Int[-2, 40].Select(n => "chunks-" + n)),
            (1, Gen.String));
        var cookie = Gen.Select(Gen.Frequency((3, Gen.Const(Name)), (3, Gen.Int[0, 12].Select(i => Name + "C" + i)), (1, Gen.String)), value);
        cookie.List[0, 8].Sample(list =>
        {
            var cookies = list.GroupBy(c => c.Item1).Select(g => new KeyValuePair<string, string>(g.Key, g.First().Item2)).ToList();
            var read = Store.Read(new Cookies(cookies), Name);
            Assert.Null(read.Record);
        });
    }

    private sealed class Cookies(IReadOnlyList<KeyValuePair<string, string>> cookies) : IRequestCookieCollection
    {
        public int Count => cookies.Count;

        public ICollection<string> Keys => [.. cookies.Select(c => c.Key)];

        public string? this[string key] => cookies.FirstOrDefault(c => c.Key == key).Value;

        public bool ContainsKey(string key) => cookies.Any(c => c.Key == key);

        public bool TryGetValue(string key, [NotNullWhen(true)] out string? value)
        {
            value = this[key];
            return value is not null;
        }

        public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => cookies.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
