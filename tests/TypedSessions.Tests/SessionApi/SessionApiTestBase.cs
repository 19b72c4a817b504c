namespace TypedSessions.Tests.SessionApi;

/// <summary>
/// The <see cref="Session"/> API without HTTP, one concern per test class: each test gets a fresh
/// <see cref="SessionTestHarness"/> (a coordinator over a counting memory store with a fake clock).
/// </summary>
public abstract class SessionApiTestBase : IDisposable
{
    private protected static readonly TimeSpan Idle = TimeSpan.FromMinutes(20);
    private protected static readonly TimeSpan Absolute = TimeSpan.FromHours(8);

    private protected readonly SessionTestHarness _h = new();

    public void Dispose()
    {
        _h.Dispose();
        GC.SuppressFinalize(this);
    }

    private protected static List<int> Cart(Session session) => session.Get<List<int>>("cart")!;
}
