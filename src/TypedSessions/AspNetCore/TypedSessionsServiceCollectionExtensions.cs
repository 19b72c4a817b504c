using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TypedSessions.AspNetCore;
using TypedSessions.AspNetCore.Transports;
using TypedSessions.Core;
using TypedSessions.Diagnostics;
using TypedSessions.Storage;
using TypedSessions.Storage.Cookie;
using TypedSessions.Storage.File;
using TypedSessions.Storage.Memory;

namespace TypedSessions;

/// <summary>Registers TypedSessions.</summary>
public static class TypedSessionsServiceCollectionExtensions
{
    /// <summary>
    /// Adds TypedSessions. Options bind from the configuration section <c>TypedSessions</c>; then
    /// <paramref name="configure"/> runs. Choose a store with <c>TypedSessions:Store</c> or an <c>Add*Store()</c> call.
    /// With none chosen, the Development environment uses the in-memory store (and logs a warning that says so); any
    /// other environment fails at startup (<c>UseTypedSessions()</c>) with an error that names the stores to choose from.
    /// Session schemas (<see cref="SessionSchemaAttribute"/>) whose assembly has run by now become scoped services.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Optional code configuration, applied after configuration binding.</param>
    /// <returns>A builder to add stores.</returns>
    public static TypedSessionsBuilder AddTypedSessions(this IServiceCollection services, Action<TypedSessionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        SessionSchemaSupport.AddRegisteredSchemas(services);
        var optionsBuilder = services.AddOptions<TypedSessionOptions>();
        var firstCall = !services.Any(d => d.ServiceType == typeof(SessionEnvironment));
        if (firstCall)
        {
            BindConfiguration(optionsBuilder);
        }

        if (configure is not null)
        {
            optionsBuilder.Configure(configure);
        }

        if (!firstCall)
        {
            return new TypedSessionsBuilder(services);
        }

        services.AddSingleton<IValidateOptions<TypedSessionOptions>, TypedSessionOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddLogging();
        services.AddMetrics();
        services.TryAddSingleton<SessionMetrics>();
        services.TryAddSingleton<SessionEnvironment>();
        services.TryAddSingleton<SessionCoordinator>();
        services.TryAddSingleton<ISessionManager>(sp => new SessionManager(sp.GetRequiredService<SessionCoordinator>()));
        services.TryAddSingleton<MemorySessionStore>();
        services.TryAddSingleton<FileSessionStore>();
        services.AddOptions<FileSessionStoreOptions>().BindStoreSection(FileSessionStoreOptions.SectionName);
        services.AddSingleton<IConfigureOptions<FileSessionStoreOptions>, FileSessionStoreOptionsSetup>();
        services.AddSingleton(new SessionStoreRegistration(MemorySessionStore.StoreName, sp => sp.GetRequiredService<MemorySessionStore>(), Explicit: false));
        services.AddSingleton(new SessionStoreRegistration(FileSessionStore.StoreName, sp => sp.GetRequiredService<FileSessionStore>(), Explicit: false));
        services.TryAddSingleton(sp => SelectStore(sp, services));
        services.TryAddSingleton(typeof(ISessionStore), CreateSelectedStore);
        services.TryAddSingleton<SessionTransport>(CreateTransport);
        services.AddHostedService<SessionCleanupService>();
        services.AddHostedService<TypedSessions.Deployment.DeployCheckService>();
        DecorateAuthenticationService(services);
        return new TypedSessionsBuilder(services);
    }

    // HttpContext.SignInAsync/SignOutAsync keep the session in step (SessionAuthenticationService). Registered before
    // AddAuthentication(), it wraps the framework's AuthenticationService (whose TryAdd then adds nothing); after, it
    // wraps whatever was registered. Without authentication services there is still no IAuthenticationService.
    private static void DecorateAuthenticationService(IServiceCollection services)
    {
        var existing = services.LastOrDefault(d => d.ServiceType == typeof(IAuthenticationService) && !d.IsKeyedService);
        if (existing is not null)
        {
            services.Remove(existing);
        }

        services.Add(ServiceDescriptor.Describe(
            typeof(IAuthenticationService),
            sp => sp.GetService<IAuthenticationSchemeProvider>() is null
                ? null!
                : new SessionAuthenticationService(Inner(sp, existing), sp.GetRequiredService<IOptions<TypedSessionOptions>>()),
            existing?.Lifetime ?? ServiceLifetime.Scoped));

        static IAuthenticationService Inner(IServiceProvider sp, ServiceDescriptor? existing) => existing switch
        {
            null => ActivatorUtilities.CreateInstance<AuthenticationService>(sp),
            { ImplementationInstance: IAuthenticationService instance } => instance,
            { ImplementationFactory: { } factory } => (IAuthenticationService)factory(sp),
            { ImplementationType: { } type } => (IAuthenticationService)ActivatorUtilities.CreateInstance(sp, type),
            _ => throw new InvalidOperationException("The registered IAuthenticationService cannot be wrapped."),
        };
    }

    // The encrypted cookie carries the session itself; every other store is reached through the id cookie.
    private static SessionTransport CreateTransport(IServiceProvider services)
        => services.GetRequiredService<SelectedSessionStore>().IsEncryptedCookie
            ? new EncryptedCookieTransport(
                services.GetRequiredService<CookieSessionStore>(),
                services.GetRequiredService<SessionEnvironment>(),
                services.GetRequiredService<SessionMetrics>(),
                services.GetRequiredService<ILogger<EncryptedCookieTransport>>())
            : new IdCookieTransport(services.GetRequiredService<SessionCoordinator>(), services.GetRequiredService<ILogger<IdCookieTransport>>());

    // The ISessionStore service TypedSessions registers; an app that registered its own (before or after) replaces it.
    private static readonly Func<IServiceProvider, object> CreateSelectedStore = sp => sp.GetRequiredService<SelectedSessionStore>().Create();

    private static SelectedSessionStore SelectStore(IServiceProvider services, IServiceCollection registered)
    {
        var name = services.GetRequiredService<IOptions<TypedSessionOptions>>().Value.Store;
        var registrations = services.GetServices<SessionStoreRegistration>().ToList();
        var known = string.Join(", ", registrations.Select(r => r.Name).Distinct(StringComparer.OrdinalIgnoreCase));
        SessionStoreRegistration? chosen;
        if (!string.IsNullOrWhiteSpace(name))
        {
            chosen = registrations.LastOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase))
                ?? throw new InvalidOperationException(
                    $"TypedSessions:Store is '{name}', but no store by that name is registered (registered: {known}). " +
                    "Reference the store's package and call its Add…Store() method, e.g. AddTypedSessions().AddSqliteStore().");
        }
        else
        {
            var added = registrations.Where(r => r.Explicit).GroupBy(r => r.Name, StringComparer.OrdinalIgnoreCase).Select(g => g.Last()).ToList();
            if (added.Count == 0 && !AppRegisteredItsOwnStore(registered) && services.GetService<IHostEnvironment>()?.IsDevelopment() == true)
            {
                // Development with no store chosen: the in-memory store, said loudly. Elsewhere this stays a startup error.
                chosen = registrations.Last(r => string.Equals(r.Name, MemorySessionStore.StoreName, StringComparison.Ordinal));
                if (services.GetService<ILoggerFactory>()?.CreateLogger("TypedSessions") is { } devLogger)
                {
                    SessionLog.DevelopmentMemoryStore(devLogger);
                }

                return new SelectedSessionStore(chosen, services);
            }

            if (added.Count != 1)
            {
                // No choice here; an app that registered its own ISessionStore still works. Resolving the store says why otherwise.
                return new SelectedSessionStore(new SessionStoreRegistration("(none)", _ => throw new InvalidOperationException(added.Count == 0
                    ? $"No session store is chosen. Set TypedSessions:Store (one of: {known}) or add one in code, e.g. AddTypedSessions().AddSqliteStore(). (Only the Development environment falls back to the in-memory store.)"
                    : $"Several session stores were added ({string.Join(", ", added.Select(a => a.Name))}); set TypedSessions:Store to choose one."), Explicit: false), services);
            }

            chosen = added[0];
        }

        var logger = services.GetService<ILoggerFactory>()?.CreateLogger("TypedSessions");
        if (logger is not null)
        {
            SessionLog.StoreSelected(logger, chosen.Name);
        }

        return new SelectedSessionStore(chosen, services);
    }

    private static bool AppRegisteredItsOwnStore(IServiceCollection registered)
        => registered.LastOrDefault(d => d.ServiceType == typeof(ISessionStore) && !d.IsKeyedService) is { } last
            && !ReferenceEquals(last.ImplementationFactory, CreateSelectedStore);

    private sealed class FileSessionStoreOptionsSetup(IOptions<TypedSessionOptions> options, IServiceProvider services) : IConfigureOptions<FileSessionStoreOptions>
    {
        public void Configure(FileSessionStoreOptions fileOptions)
        {
            if (!string.IsNullOrEmpty(fileOptions.Folder))
            {
                return;
            }

            fileOptions.Folder = options.Value.Folder
                ?? Path.Combine(AppDataFolder(services), "sessions");
        }
    }

    /// <summary>The app's data folder: <c>{ContentRoot}/App_Data</c>.</summary>
    internal static string AppDataFolder(IServiceProvider services)
    {
        var root = services.GetService<IHostEnvironment>()?.ContentRootPath
            ?? AppContext.BaseDirectory;
        return Path.Combine(root, "App_Data");
    }

    // The reflection-based configuration binder sets the public properties of these option types, so they are kept
    // when trimming (DynamicDependency). Their only collection is SessionAuthenticationOptions.UserKeyClaimTypes, an
    // IList<string>: the binder fills a List<string>, a reference-type instantiation that needs no code generated at
    // run time. (The binding source generator cannot be used: it also tries to bind SerializerOptions, which has no
    // configuration form.) The Native AOT sample binds Cookie:Name from configuration to show it works (docs/aot.md).
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.PublicParameterlessConstructor, typeof(TypedSessionOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.PublicParameterlessConstructor, typeof(SessionCookieOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.PublicParameterlessConstructor, typeof(SessionAuthenticationOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.PublicParameterlessConstructor, typeof(ActiveSessionOptions))]
    [UnconditionalSuppressMessage("Trimming", "IL2026:RequiresUnreferencedCode", Justification = "The bound option types are kept by the DynamicDependency attributes above.")]
    [UnconditionalSuppressMessage("AOT", "IL3050:RequiresDynamicCode", Justification = "The bound option types have no value-type collections; a List<string> needs no runtime code generation.")]
    private static void BindConfiguration(OptionsBuilder<TypedSessionOptions> optionsBuilder)
        => optionsBuilder.BindConfiguration(TypedSessionOptions.SectionName).ValidateOnStart();
}
