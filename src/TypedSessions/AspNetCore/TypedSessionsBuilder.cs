using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TypedSessions.Storage;
using TypedSessions.Storage.Cookie;
using TypedSessions.Storage.File;
using TypedSessions.Storage.Memory;

namespace TypedSessions;

/// <summary>Adds stores to TypedSessions. Returned by <c>AddTypedSessions()</c>.</summary>
public sealed class TypedSessionsBuilder
{
    internal TypedSessionsBuilder(IServiceCollection services) => Services = services;

    /// <summary>The service collection.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// Registers a store under <paramref name="name"/> (the value of <c>TypedSessions:Store</c> that selects it).
    /// When <c>TypedSessions:Store</c> is not set and exactly one store was added this way, that store is used.
    /// </summary>
    /// <param name="name">The store's name, matched case-insensitively.</param>
    /// <param name="factory">Creates the store (called once; the store is a singleton).</param>
    /// <returns>This builder.</returns>
    public TypedSessionsBuilder AddStore(string name, Func<IServiceProvider, ISessionStore> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(factory);
        Services.AddSingleton(new SessionStoreRegistration(name, factory, Explicit: true));
        return this;
    }

    /// <summary>Registers a store type under <paramref name="name"/> (see <see cref="AddStore(string, Func{IServiceProvider, ISessionStore})"/>).</summary>
    /// <typeparam name="TStore">The store type, created through DI.</typeparam>
    /// <param name="name">The store's name.</param>
    /// <returns>This builder.</returns>
    public TypedSessionsBuilder AddStore<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TStore>(string name)
        where TStore : class, ISessionStore
    {
        Services.TryAddSingleton<TStore>();
        return AddStore(name, sp => sp.GetRequiredService<TStore>());
    }

    /// <summary>Uses the in-memory store (one process; data is lost on restart). For tests and development.</summary>
    /// <returns>This builder.</returns>
    public TypedSessionsBuilder AddMemoryStore() => AddStore(MemorySessionStore.StoreName, sp => sp.GetRequiredService<MemorySessionStore>());

    /// <summary>Uses the file store: one file per session in a folder.</summary>
    /// <param name="configure">
    /// Sets the folder and limits; runs after the configuration section <c>TypedSessions:File</c> is bound. The folder
    /// defaults to <c>TypedSessions:File:Folder</c>, else <c>TypedSessions:Folder</c>, else <c>{ContentRoot}/App_Data/sessions</c>.
    /// </param>
    /// <returns>This builder.</returns>
    public TypedSessionsBuilder AddFileStore(Action<FileSessionStoreOptions>? configure = null)
    {
        if (configure is not null)
        {
            Services.Configure(configure);
        }

        return AddStore(FileSessionStore.StoreName, sp => sp.GetRequiredService<FileSessionStore>());
    }

    /// <summary>
    /// Uses the encrypted cookie store (store name <c>Cookie</c>): the whole session travels in the session
    /// cookie, protected by ASP.NET Core Data Protection, compressed and chunked. Nothing is kept on the server,
    /// so a copied cookie stays valid until the expiry inside it, concurrent requests are last-response-wins and
    /// there is no "log out everywhere". Persist and share the Data Protection key ring across instances.
    /// </summary>
    /// <param name="configure">Chunk size, most chunks (the size limit) and compression threshold.</param>
    /// <returns>This builder.</returns>
    public TypedSessionsBuilder AddCookieStore(Action<CookieSessionStoreOptions>? configure = null)
    {
        Services.AddDataProtection();
        Services.AddOptions<CookieSessionStoreOptions>().ValidateOnStart();
        Services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Options.IValidateOptions<CookieSessionStoreOptions>, CookieSessionStoreOptionsValidator>());
        if (configure is not null)
        {
            Services.Configure(configure);
        }

        Services.TryAddSingleton<CookieSessionStore>();
        Services.AddSingleton(new SessionStoreRegistration(CookieSessionStore.StoreName, Factory: null, Explicit: true));
        return this;
    }
}

/// <summary>A named store factory; how <c>TypedSessions:Store</c> finds its store.</summary>
/// <param name="Name">The name <c>TypedSessions:Store</c> selects it by.</param>
/// <param name="Factory">Creates the store; <see langword="null"/> for the encrypted cookie, which is not a server-side store.</param>
/// <param name="Explicit">Added by an <c>Add…Store()</c> call (the built-in Memory and File are always known but not explicit).</param>
internal sealed record SessionStoreRegistration(string Name, Func<IServiceProvider, ISessionStore>? Factory, bool Explicit);

/// <summary>
/// The session store the app selected at startup (<c>TypedSessions:Store</c> or the one <c>Add…Store()</c> call): a
/// server-side store, or the encrypted cookie, which keeps nothing on the server. Resolve it from DI to ask which
/// (resolving <see cref="ISessionStore"/> itself throws when the cookie was selected).
/// </summary>
public sealed class SelectedSessionStore
{
    private readonly SessionStoreRegistration _registration;
    private readonly IServiceProvider _services;

    internal SelectedSessionStore(SessionStoreRegistration registration, IServiceProvider services)
    {
        _registration = registration;
        _services = services;
    }

    /// <summary>The store's name, as <c>TypedSessions:Store</c> selects it (e.g. <c>Sqlite</c>, <c>Cookie</c>).</summary>
    public string Name => _registration.Name;

    /// <summary>Whether the session travels in the encrypted cookie (<c>Cookie</c>): then there is no <see cref="ISessionStore"/>.</summary>
    public bool IsEncryptedCookie => _registration.Factory is null;

    /// <summary>The server-side store (the app's <see cref="ISessionStore"/> service); <see langword="null"/> with the encrypted cookie.</summary>
    public ISessionStore? Store => IsEncryptedCookie ? null : _services.GetRequiredService<ISessionStore>();

    /// <summary>Creates the selected server-side store (the <see cref="ISessionStore"/> service's factory).</summary>
    internal ISessionStore Create()
        => _registration.Factory?.Invoke(_services) ?? throw new InvalidOperationException(
            $"TypedSessions:Store is '{_registration.Name}': sessions travel in the encrypted cookie and nothing is stored on the server, " +
            "so there is no ISessionStore (and no ISessionManager, cleanup or user index). SelectedSessionStore tells which store is in use.");
}
