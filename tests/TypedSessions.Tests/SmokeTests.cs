namespace TypedSessions.Tests;

public class SmokeTests
{
    [Fact]
    public void New_ids_differ() => Assert.NotEqual(Ids.SessionId.New().Value, Ids.SessionId.New().Value);
}
