using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TypedSessions.Storage;
using TypedSessions.Storage.File;

namespace TypedSessions.Tests.Integration;

public sealed class ConcurrencyTests
{
    public static TheoryData<string> Stores => new() { "Memory", "File" };

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Concurrent_requests_changing_different_keys_of_one_session_lose_nothing(string storeName)
    {
        var folder = Path.Combine(Path.GetTempPath(), "ts-conc-" + Guid.NewGuid().ToString("N"));
        try
        {
            Func<IServiceProvider, ISessionStore>? store = storeName == "File"
                ? _ => new FileSessionStore(Options.Create(new FileSessionStoreOptions { Folder = folder }))
                : null;
            await using var app = await TestApp.StartAsync(Endpoints.Map, store: store);
            using var client = app.CreateClient();
            await client.PostAsync("/set?key=owner&value=alice");
            var cookie = client.Cookie;

            var requests = Enumerable.Range(0, 100).Select(async i =>
            {
                using var c = app.CreateClient();
                c.Cookie = cookie;
                var response = await c.PostAsync($"/inc/c{i}");
                response.EnsureSuccessStatusCode();
            });
            await Task.WhenAll(requests);

            using var doc = JsonDocument.Parse(await client.GetStringAsync("/counters"));
            var counters = doc.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
            Assert.Equal(100, counters.Count);
            Assert.All(counters.Values, v => Assert.Equal(1, v));
            Assert.Equal("alice", await client.GetStringAsync("/read?key=owner"));
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    [Fact]
    public async Task Concurrent_writes_to_the_same_key_end_with_one_of_the_written_values()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=k&value=start");
        var cookie = client.Cookie;

        await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
        {
            using var c = app.CreateClient();
            c.Cookie = cookie;
            (await c.PostAsync($"/set?key=k&value=v{i}")).EnsureSuccessStatusCode();
        }));

        var final = await client.GetStringAsync("/read?key=k");
        Assert.Matches("^v([0-9]|1[0-9])$", final);
    }
}
