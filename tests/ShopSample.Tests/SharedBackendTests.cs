using System.Net;
using System.Text.Json;
using TypedSessions.TestSupport;

namespace ShopSample.Tests;

/// <summary>
/// Two instances of the sample on one PostgreSQL, one Redis or one Redis Cluster, each store chosen by configuration
/// alone (<c>TypedSessions:Store</c>, <c>TypedSessions:ConnectionString</c>, the store's section).
/// Needs <c>TYPEDSESSIONS_TEST_POSTGRES</c>, <c>TYPEDSESSIONS_TEST_REDIS</c> and <c>TYPEDSESSIONS_TEST_REDIS_CLUSTER</c>
/// (set by tests/run-all.sh); fails without them.
/// </summary>
public sealed class SharedBackendTests
{
    public static TheoryData<string> Backends => ["PostgreSql", "Redis", "RedisCluster", "DistributedCache"];

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_session_created_on_one_instance_is_read_changed_and_flushed_on_the_other(string store)
    {
        var settings = Settings(store);
        using var first = new ShopApp(fakeTime: false, settings);
        using var second = new ShopApp(fakeTime: false, settings);

        await first.LoginAsync("alice", "wonderland");
        using (var add = await first.PostAsync("/api/cart", """{"sku":"tea","qty":2}"""))
        {
            Assert.Equal(HttpStatusCode.OK, add.StatusCode);
        }

        var cookie = first.CookieValue!;

        // Read on the second instance.
        var seen = await second.SessionWithCookieAsync(cookie);
        Assert.Equal("alice", seen.GetProperty("username").GetString());
        Assert.Equal(1, seen.GetProperty("cart").GetArrayLength());

        // Changed on the second instance, seen on the first.
        using (var theme = await second.SendWithCookieAsync(cookie, HttpMethod.Put, "/api/theme", """{"theme":"dark"}"""))
        {
            Assert.Equal(HttpStatusCode.NoContent, theme.StatusCode);
        }

        using (var add = await second.SendWithCookieAsync(cookie, HttpMethod.Post, "/api/cart", """{"sku":"cake","qty":1}"""))
        {
            Assert.Equal(HttpStatusCode.OK, add.StatusCode);
        }

        var changed = await first.SessionAsync();
        Assert.Equal("dark", changed.GetProperty("theme").GetString());
        Assert.Equal(2, changed.GetProperty("cart").GetArrayLength());

        // Flushed (logout) on the second instance: gone on the first.
        using (var logout = await second.SendWithCookieAsync(cookie, HttpMethod.Post, "/api/logout"))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        var after = await first.SessionAsync();
        Assert.Equal(JsonValueKind.Null, after.GetProperty("username").ValueKind);
        Assert.Equal(0, after.GetProperty("cart").GetArrayLength());
    }

    [Theory]
    [InlineData("PostgreSql")]
    [InlineData("Redis")]
    [InlineData("RedisCluster")]
    public async Task Logout_everywhere_on_one_instance_ends_the_users_sessions_made_on_the_other(string store)
    {
        var settings = Settings(store);
        using var first = new ShopApp(fakeTime: false, settings);
        using var second = new ShopApp(fakeTime: false, settings);
        await first.LoginAsync("alice", "wonderland");
        await second.LoginAsync("alice", "wonderland");

        using (var response = await first.PostAsync("/api/logout-everywhere"))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        Assert.Equal(JsonValueKind.Null, (await second.SessionAsync()).GetProperty("username").ValueKind);
    }

    internal static Dictionary<string, string?> Settings(string store)
    {
        var unique = "shop_" + Guid.NewGuid().ToString("N")[..12];
        return store switch
        {
            "PostgreSql" => new()
            {
                ["TypedSessions:Store"] = "PostgreSql",
                ["TypedSessions:ConnectionString"] = TestServers.Postgres,
                ["TypedSessions:PostgreSql:TableName"] = unique,
            },
            "Redis" or "RedisCluster" => new()
            {
                ["TypedSessions:Store"] = "Redis",
                ["TypedSessions:ConnectionString"] = store == "Redis" ? TestServers.Redis : TestServers.RedisCluster,
                ["TypedSessions:Redis:KeyPrefix"] = unique + ":",
            },
            _ => new()
            {
                ["TypedSessions:Store"] = "DistributedCache",
                ["TypedSessions:ConnectionString"] = TestServers.Redis,
                ["TypedSessions:DistributedCache:KeyPrefix"] = unique + ":",
            },
        };
    }
}
