using TypedSessions.Storage;
using TypedSessions.Storage.Memory;
using TypedSessions.Testing;

namespace TypedSessions.Testing.XunitV3.Tests;

/// <summary>The whole keyed kit on the memory store, under xunit v3: the smallest possible store test class.</summary>
public sealed class MemoryStoreConformanceTests : SessionStoreConformanceTests
{
    protected override Task<ISessionStore> CreateStoreAsync() => Task.FromResult<ISessionStore>(new MemorySessionStore());
}
