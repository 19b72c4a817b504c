using Microsoft.Extensions.Options;
using TypedSessions;
using TypedSessions.Storage;

namespace ShopSample.Pages;

/// <summary>What the pages tell the visitor about where sessions are kept.</summary>
internal sealed class StoreInfo(SelectedSessionStore selected, IOptions<TypedSessionOptions> options)
{
    /// <summary>The configured store's name (<c>TypedSessions:Store</c>), else the selected store's name.</summary>
    public string Name { get; } = string.IsNullOrEmpty(options.Value.Store) ? selected.Name : options.Value.Store;

    /// <summary>Whether the store can find a user's sessions, so "log out everywhere" is offered (never with the encrypted cookie).</summary>
    public bool CanLogOutEverywhere { get; } = selected.Store?.Capabilities.HasFlag(SessionStoreCapabilities.UserIndex) == true;

    /// <summary>Whether the store keeps sessions on the server, so it can hold authentication tickets (never the encrypted cookie).</summary>
    public bool KeepsSessionsOnServer { get; } = selected.Store is not null;

    /// <summary>Whether the store can list a user's sessions, so "Your sessions" is offered (<see cref="ISessionUserListing"/>).</summary>
    public bool CanListSessions { get; } = selected.Store is ISessionUserListing;

    /// <summary>The configured idle (sliding) timeout, or <see langword="null"/> when disabled.</summary>
    public TimeSpan? IdleTimeout { get; } = options.Value.IdleTimeout;

    /// <summary>The configured absolute timeout, or <see langword="null"/> when disabled.</summary>
    public TimeSpan? AbsoluteTimeout { get; } = options.Value.AbsoluteTimeout;
}
