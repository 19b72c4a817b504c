using TypedSessions.Storage;

namespace TypedSessions.Tests;

/// <summary>The one store-key check (<see cref="SessionStoreKey"/>) that the File, DistributedCache, Redis and PostgreSQL stores use.</summary>
public sealed class SessionStoreKeyTests
{
    private const string Valid = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Fact]
    public void A_store_key_is_64_lowercase_hex_characters()
    {
        Assert.True(SessionStoreKey.IsValid(Valid));
        Assert.False(SessionStoreKey.IsValid(Valid.ToUpperInvariant()));
        Assert.False(SessionStoreKey.IsValid(Valid.AsSpan(0, 63)));
        Assert.False(SessionStoreKey.IsValid(Valid + "0"));
        Assert.False(SessionStoreKey.IsValid(Valid[..63] + "g"));
        Assert.False(SessionStoreKey.IsValid(Valid[..63] + "\u0660")); // ARABIC-INDIC DIGIT ZERO: a digit, not hex
        Assert.False(SessionStoreKey.IsValid(string.Empty));
        Assert.False(SessionStoreKey.IsValid((string?)null));
    }

    [Fact]
    public void ThrowIfInvalid_names_the_callers_parameter()
    {
        SessionStoreKey.ThrowIfInvalid(Valid);
        string? newKey = "not-a-hash";

        var ex = Assert.Throws<ArgumentException>(() => SessionStoreKey.ThrowIfInvalid(newKey));
        Assert.Equal("newKey", ex.ParamName);
        Assert.Throws<ArgumentException>(() => SessionStoreKey.ThrowIfInvalid(null));
    }

    [Fact]
    public void Every_id_hashes_to_a_store_key()
    {
        for (var i = 0; i < 100; i++)
        {
            Assert.True(SessionStoreKey.IsValid(Ids.SessionId.New().StoreKey));
        }
    }
}
