namespace TypedSessions;

/// <summary>What a request does when its session cannot be loaded (store down, slow or failing).</summary>
public enum StoreFailurePolicy
{
    /// <summary>Answer 503 Service Unavailable with <c>Retry-After</c>. The default.</summary>
    ServiceUnavailable = 0,

    /// <summary>
    /// Run the endpoint with an unavailable session: <see cref="Session.IsAvailable"/> is false and every
    /// read or write throws <see cref="SessionUnavailableException"/>. Nothing can be saved over the real data.
    /// </summary>
    ContinueUnavailable = 1,
}
