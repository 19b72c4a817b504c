namespace TypedSessions.Tests.Parity;

/// <summary>What the parity suite does to a side's store, whatever that store is.</summary>
internal interface IParityStore
{
    /// <summary>While true, every store call throws (a store that is down).</summary>
    bool IsDown { get; set; }

    /// <summary>Drops every stored session, as an expiry, an eviction or a restart of an in-memory store would.</summary>
    void ForgetAllSessions();
}
