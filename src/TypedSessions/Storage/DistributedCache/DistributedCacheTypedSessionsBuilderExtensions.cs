using TypedSessions.Storage;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TypedSessions.Storage.DistributedCache;

namespace TypedSessions;

/// <summary>Adds the <see cref="IDistributedCache"/> store.</summary>
public static class DistributedCacheTypedSessionsBuilderExtensions
{
    /// <summary>
    /// Uses the app's <see cref="IDistributedCache"/> (store name <c>DistributedCache</c>); register one
    /// too, e.g. <c>AddDistributedMemoryCache()</c> or <c>AddStackExchangeRedisCache(...)</c>. Whole-session
    /// last writer wins: see <see cref="DistributedCacheSessionStore"/>. Settings bind from the configuration section
    /// <c>TypedSessions:DistributedCache</c> (<see cref="DistributedCacheSessionStoreOptions.SectionName"/>: <c>KeyPrefix</c>,
    /// <c>Limits</c>); then <paramref name="configure"/> runs, so code overrides configuration.
    /// </summary>
    /// <param name="builder">The TypedSessions builder.</param>
    /// <param name="configure">Optional settings.</param>
    /// <returns>The builder.</returns>
    public static TypedSessionsBuilder AddDistributedCacheStore(this TypedSessionsBuilder builder, Action<DistributedCacheSessionStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<DistributedCacheSessionStoreOptions>();
        if (!builder.Services.Any(d => d.ServiceType == typeof(IValidateOptions<DistributedCacheSessionStoreOptions>) && d.ImplementationType == typeof(DistributedCacheSessionStoreOptionsValidator)))
        {
            // First call only: the section is bound once, before any code delegate.
            options.BindStoreSection(DistributedCacheSessionStoreOptions.SectionName);
            builder.Services.AddSingleton<IValidateOptions<DistributedCacheSessionStoreOptions>, DistributedCacheSessionStoreOptionsValidator>();
        }

        if (configure is not null)
        {
            builder.Services.Configure(configure);
        }

        builder.Services.TryAddSingleton(sp => new DistributedCacheSessionStore(
            sp.GetService<IDistributedCache>() ?? throw new InvalidOperationException(
                "The DistributedCache session store needs an IDistributedCache: call AddDistributedMemoryCache(), AddStackExchangeRedisCache(...) or another cache's registration."),
            sp.GetRequiredService<IOptions<DistributedCacheSessionStoreOptions>>()));
        return builder.AddStore(DistributedCacheSessionStore.StoreName, sp => sp.GetRequiredService<DistributedCacheSessionStore>());
    }
}
