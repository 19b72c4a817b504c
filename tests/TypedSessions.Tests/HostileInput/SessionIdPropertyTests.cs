using System.Buffers.Text;
using System.Security.Cryptography;
using CsCheck;
using TypedSessions.Ids;

namespace TypedSessions.Tests.HostileInput;

/// <summary>
/// The cookie parser (<see cref="SessionId.TryParse"/>) against generated strings: it never throws,
/// and it accepts exactly the canonical 43-character base64url encodings of 32 bytes.
/// </summary>
public sealed class SessionIdPropertyTests
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    // Characters a hostile cookie is made of: the alphabet, its look-alikes from base64 and URLs,
    // separators, controls, non-ASCII letters and digits, and lone surrogates.
    private static readonly Gen<char> HostileChar = Gen.Frequency(
        (8, Gen.Char[Alphabet]),
        (2, Gen.Char["+/=%.,;: \t\r\n\0\"'\\"]),
        (1, Gen.Char['\u0080', '\u07ff']),
        (1, Gen.Char["０１ＡＺａｚ٣\u00e9\u0130\u212a"]),
        (1, Gen.Char['\ud800', '\udfff']),
        (1, Gen.Char));

    // Lengths around the only valid one, plus anything up to 200.
    private static readonly Gen<int> Length = Gen.Frequency((6, Gen.Int[41, 45]), (1, Gen.Int[0, 200]));

    private static readonly Gen<string> HostileString = Length.SelectMany(n => HostileChar.Array[n]).Select(a => new string(a));

    [Fact]
    public void Arbitrary_strings_never_throw_and_are_accepted_only_when_canonical()
    {
        HostileString.Sample(value =>
        {
            var accepted = SessionId.TryParse(value, out var id);

            Assert.Equal(IsCanonical(value), accepted);
            Assert.Equal(accepted, id is not null);
            if (id is not null)
            {
                Assert.Equal(value, id.Value);
            }
        }, iter: 20_000);
    }

    [Fact]
    public void Arbitrary_unicode_strings_never_throw()
    {
        Gen.String.Sample(value =>
        {
            var accepted = SessionId.TryParse(value, out _);
            Assert.Equal(IsCanonical(value), accepted);
        }, iter: 20_000);
    }

    [Fact]
    public void Forty_three_characters_of_the_alphabet_are_accepted_only_with_a_canonical_last_character()
    {
        // 43 characters carry 258 bits for 256: the last character's low two bits must be zero,
        // so exactly one alphabet character in four may end an id.
        Gen.Char[Alphabet].Array[SessionId.EncodedLength].Select(a => new string(a)).Sample(value =>
        {
            var lastIsCanonical = Alphabet.IndexOf(value[^1], StringComparison.Ordinal) % 4 == 0;
            Assert.Equal(lastIsCanonical, SessionId.TryParse(value, out _));
        }, iter: 20_000);
    }

    [Fact]
    public void Every_32_byte_value_round_trips_through_its_cookie_form()
    {
        Gen.Byte.Array[SessionId.ByteLength].Sample(bytes =>
        {
            var cookie = Base64Url.EncodeToString(bytes);

            Assert.True(SessionId.TryParse(cookie, out var id));
            Assert.Equal(SessionId.EncodedLength, cookie.Length);
            Assert.Equal(cookie, id!.Value);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), id.StoreKey);
            Assert.Equal(id.StoreKey[..12], id.LogId);
            Assert.Equal(id.LogId, id.ToString());
        }, iter: 10_000);
    }

    [Fact]
    public void Generated_ids_round_trip_through_TryParse()
    {
        for (var i = 0; i < 10_000; i++)
        {
            var id = SessionId.New();

            Assert.True(SessionId.TryParse(id.Value, out var parsed));
            Assert.Equal(id.Value, parsed!.Value);
            Assert.Equal(id.StoreKey, parsed.StoreKey);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Base64Url.DecodeFromChars(id.Value))), id.StoreKey);
        }
    }

    [Fact]
    public void Null_and_empty_are_not_ids()
    {
        Assert.False(SessionId.TryParse(null, out var a));
        Assert.Null(a);
        Assert.False(SessionId.TryParse(string.Empty, out var b));
        Assert.Null(b);
    }

    // An oracle independent of the parser: length, alphabet, and the last character's unused bits.
    private static bool IsCanonical(string value)
        => value.Length == SessionId.EncodedLength
            && value.All(c => Alphabet.Contains(c, StringComparison.Ordinal))
            && Alphabet.IndexOf(value[^1], StringComparison.Ordinal) % 4 == 0;
}
