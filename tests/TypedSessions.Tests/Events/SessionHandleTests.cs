using TypedSessions.Ids;
using TypedSessions.Storage;

namespace TypedSessions.Tests.Events;

/// <summary><see cref="SessionHandle"/>: a short, stable, non-secret name for a stored session.</summary>
public sealed class SessionHandleTests
{
    [Fact]
    public void A_handle_is_the_first_16_lowercase_hex_characters_of_the_store_key()
    {
        var id = SessionId.New();

        var handle = SessionHandle.FromStoreKey(id.StoreKey);

        Assert.Equal(SessionHandle.Length, handle.ToString().Length);
        Assert.Equal(16, SessionHandle.Length);
        Assert.Equal(id.StoreKey[..16], handle.ToString());
        Assert.Matches("^[0-9a-f]{16}$", handle.ToString());
    }

    [Fact]
    public void The_handle_is_stable_for_a_session_and_its_first_12_characters_are_the_log_hash()
    {
        var id = SessionId.New();
        Assert.True(SessionId.TryParse(id.Value, out var parsed));

        var first = SessionHandle.FromStoreKey(id.StoreKey);
        var again = SessionHandle.FromStoreKey(parsed!.StoreKey);

        Assert.Equal(first, again);
        Assert.Equal(first.GetHashCode(), again.GetHashCode());
        Assert.StartsWith(id.LogId, first.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Different_sessions_have_different_handles()
    {
        var handles = Enumerable.Range(0, 1000).Select(_ => SessionHandle.FromStoreKey(SessionId.New().StoreKey)).ToHashSet();

        Assert.Equal(1000, handles.Count);
    }

    [Fact]
    public void A_handle_is_never_the_id_nor_part_of_it()
    {
        for (var i = 0; i < 1000; i++)
        {
            var id = SessionId.New();
            var handle = SessionHandle.FromStoreKey(id.StoreKey).ToString();

            Assert.NotEqual(id.Value, handle);
            Assert.DoesNotContain(handle, id.Value, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde")]
    [InlineData("g123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    public void Only_a_store_key_gives_a_handle(string notAStoreKey)
        => Assert.Throws<ArgumentException>(() => SessionHandle.FromStoreKey(notAStoreKey));

    [Fact]
    public void A_session_id_is_not_taken_for_a_store_key()
        => Assert.Throws<ArgumentException>(() => SessionHandle.FromStoreKey(SessionId.New().Value));

    [Fact]
    public void A_handle_round_trips_through_its_text()
    {
        var handle = SessionHandle.FromStoreKey(SessionId.New().StoreKey);

        Assert.True(SessionHandle.TryParse(handle.ToString(), out var parsed));
        Assert.Equal(handle, parsed);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0123456789abcde")]
    [InlineData("0123456789abcdef0")]
    [InlineData("0123456789ABCDEF")]
    [InlineData("0123456789abcdeg")]
    public void Text_that_is_not_a_handle_does_not_parse(string? text)
    {
        Assert.False(SessionHandle.TryParse(text, out var handle));
        Assert.Equal(default, handle);
    }

    [Fact]
    public void The_default_handle_prints_as_empty()
    {
        Assert.Equal(string.Empty, default(SessionHandle).ToString());
        Assert.NotEqual(default, SessionHandle.FromStoreKey(new string('0', SessionStoreKey.Length)));
    }
}
