using Microsoft.Extensions.Options;
using TypedSessions;
using TypedSessions.Storage;

namespace ShopSample.Pages;

/// <summary>What the pages tell the visitor about where sessions are kept.</summary>
internal sealed class StoreInfo(ISessionStore store, IOptions<TypedSessionOptions> options)
{
    /// <summary>The configured store's name (<c>TypedSessions:Store</c>), else the store's type name.</summary>
    public string Name { get; } = string.IsNullOrEmpty(options.Value.Store)
        ? store.GetType().Name.Replace("SessionStore", "", StringComparison.Ordinal)
        : options.Value.Store;

    /// <summary>Whether the store can find a user's sessions, so "log out everywhere" is offered.</summary>
    public bool CanLogOutEverywhere { get; } = store.Capabilities.HasFlag(SessionStoreCapabilities.UserIndex);

    /// <summary>The configured idle (sliding) timeout, or <see langword="null"/> when disabled.</summary>
    public TimeSpan? IdleTimeout { get; } = options.Value.IdleTimeout;

    /// <summary>The configured absolute timeout, or <see langword="null"/> when disabled.</summary>
    public TimeSpan? AbsoluteTimeout { get; } = options.Value.AbsoluteTimeout;
}
