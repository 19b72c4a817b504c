using TypedSessions.Storage;
using TypedSessions.Testing;

namespace TypedSessions.Redis.Tests;

public sealed class RedisStoreConformanceTests : BackendSessionStoreConformanceTests
{
    private readonly string _prefix = TestRedis.NewPrefix();

    protected override async Task<ISessionStore> CreateStoreAsync() => await TestRedis.CreateStoreAsync(_prefix, batchSize: 10);

    protected override async Task DisposeStoreAsync(ISessionStore store)
    {
        await base.DisposeStoreAsync(store);
        await TestRedis.DeletePrefixAsync(_prefix);
    }

    // The expiry metadata field no longer holds a number.
    protected override async Task CorruptAsync(ISessionStore store, string key)
    {
        var connection = await TestRedis.ConnectionAsync();
        var redisKey = ((RedisSessionStore)store).RedisKeyFor(key);
        Assert.True(await connection.GetDatabase().KeyExistsAsync(redisKey));
        await connection.GetDatabase().HashSetAsync(redisKey, "@e", "garbage");
    }

    protected override Task<ISessionStore> CreateUnavailableStoreAsync() => Task.FromResult<ISessionStore>(TestRedis.CreateUnavailableStore(_prefix));
}
