using TypedSessions.Storage;
using TypedSessions.Storage.Memory;

namespace TypedSessions.Testing.Tests;

public sealed class MemoryStoreConformanceTests : SessionStoreConformanceTests
{
    protected override Task<ISessionStore> CreateStoreAsync() => Task.FromResult<ISessionStore>(new MemorySessionStore());
}
