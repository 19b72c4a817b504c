using TypedSessions.Ids;

namespace TypedSessions.Storage.Cookie;

/// <summary>What the request's session cookies held.</summary>
/// <param name="CookieNames">Every request cookie that belongs to the session (base cookie and chunks), to delete or replace.</param>
/// <param name="Id">The session id inside a valid payload.</param>
/// <param name="Record">The record inside a valid payload (not yet checked for expiry).</param>
/// <param name="Failure">Why the cookies were rejected (no raw values), or <see langword="null"/>.</param>
internal readonly record struct CookieReadResult(IReadOnlyList<string> CookieNames, SessionId? Id, SessionRecord? Record, string? Failure);
