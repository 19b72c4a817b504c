using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using TypedSessions.Core;

namespace TypedSessions.AspNetCore;

/// <summary>
/// <c>HttpContext.Session</c> on TypedSessions: the request's <see cref="Session"/> seen as ASP.NET Core's
/// <see cref="ISession"/>, so code written for <c>Microsoft.AspNetCore.Session</c> (the <c>SessionExtensions</c>,
/// components built on <see cref="ISession"/>) runs unchanged — with per-key merge, conflict checks, the failure
/// policy and the stores of TypedSessions. Set by <c>UseTypedSessions()</c> for every request that has a session.
/// </summary>
/// <remarks>
/// <para>Values written through <see cref="ISession.Set"/> are stored as MessagePack binary values. Read back through
/// <see cref="ISession"/> they are the same bytes; read through the typed API they are a <c>byte[]</c>, a
/// <see cref="string"/> when they are UTF-8 (what <c>SetString</c> wrote), an <see cref="int"/> when they are 4 bytes
/// (what <c>SetInt32</c> wrote), and anything else fails with <see cref="SessionValueException"/>. A typed string reads through <see cref="ISession"/> as its
/// UTF-8 bytes (so <c>GetString</c> agrees with <c>Session.Get&lt;string&gt;</c>), a typed integer in the
/// <see cref="int"/> range as 4 big-endian bytes (so <c>GetInt32</c> agrees); any other typed value makes
/// <see cref="TryGetValue"/> throw <see cref="SessionValueException"/> rather than return bytes that mean something else.</para>
/// <para><see cref="Id"/> is the session's store key (the SHA-256 of the cookie's id): stable for the session, useless to
/// hijack it, and empty until the session has an id; it changes when the id is cycled.</para>
/// <para><see cref="CommitAsync"/> completes at once: the middleware commits every request's changes before its response
/// starts, so a 2xx is only sent for stored changes. <see cref="LoadAsync"/> loads the session (needed in
/// <see cref="SessionLoadMode.OnDemand"/> before <see cref="IsAvailable"/> is true).</para>
/// </remarks>
internal sealed class SessionFeatureBridge(Session session) : ISessionFeature, ISession
{
    ISession ISessionFeature.Session
    {
        get => this;
        set => throw new NotSupportedException("UseTypedSessions() provides HttpContext.Session; it cannot be replaced on this request.");
    }

    public bool IsAvailable => session.IsLoaded && session.IsAvailable;

    public string Id => session.IsLoaded || session.IsPartiallyLoaded ? session.Id?.StoreKey ?? string.Empty : string.Empty;

    public IEnumerable<string> Keys => session.Keys;

    public Task LoadAsync(CancellationToken cancellationToken = default) => session.LoadAsync(cancellationToken).AsTask();

    public Task CommitAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public bool TryGetValue(string key, [NotNullWhen(true)] out byte[]? value)
    {
        if (session.GetBytes(key) is not { } stored)
        {
            value = null;
            return false;
        }

        value = SessionCodec.ToSessionBytes(key, stored.ToArray());
        return true;
    }

    public void Set(string key, byte[] value)
    {
        ArgumentNullException.ThrowIfNull(value);

        // A copy, as Microsoft.AspNetCore.Session keeps: the caller's array changed later is not the session's value.
        session.Set(key, (byte[])value.Clone());
    }

    public void Remove(string key) => session.Remove(key);

    public void Clear() => session.Clear();
}
