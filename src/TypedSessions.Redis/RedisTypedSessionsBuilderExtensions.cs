using TypedSessions.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TypedSessions.Redis;

namespace TypedSessions;

/// <summary>Adds the Redis store.</summary>
public static class RedisTypedSessionsBuilderExtensions
{
    /// <summary>
    /// Uses Redis (store name <c>Redis</c>). Settings bind from the configuration section <c>TypedSessions:Redis</c>
    /// (<see cref="RedisSessionStoreOptions.SectionName"/>: <c>KeyPrefix</c>, <c>Database</c>, <c>CleanupBatchSize</c>,
    /// <c>ConnectionString</c>, <c>Limits</c>); then <paramref name="configure"/> runs, so code overrides configuration.
    /// Invalid settings fail at startup. An <see cref="IConnectionMultiplexer"/> registered in the
    /// service container is reused; otherwise the store connects (on first use) with
    /// <see cref="RedisSessionStoreOptions.ConnectionString"/>, default <c>TypedSessions:Redis:ConnectionString</c>, else <c>TypedSessions:ConnectionString</c>.
    /// </summary>
    /// <param name="builder">The TypedSessions builder.</param>
    /// <param name="configure">Optional settings.</param>
    /// <returns>The builder.</returns>
    public static TypedSessionsBuilder AddRedisStore(this TypedSessionsBuilder builder, Action<RedisSessionStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<RedisSessionStoreOptions>();
        if (!builder.Services.Any(d => d.ServiceType == typeof(IValidateOptions<RedisSessionStoreOptions>) && d.ImplementationType == typeof(RedisSessionStoreOptionsValidator)))
        {
            // First call only: the section is bound once, before any code delegate.
            options.BindStoreSection(RedisSessionStoreOptions.SectionName);
            builder.Services.AddSingleton<IValidateOptions<RedisSessionStoreOptions>, RedisSessionStoreOptionsValidator>();
        }

        options.Configure<IOptions<TypedSessionOptions>>((redis, sessions) =>
            redis.ConnectionString ??= sessions.Value.ConnectionString);
        if (configure is not null)
        {
            builder.Services.PostConfigure(configure);
        }

        builder.Services.TryAddSingleton(sp => new RedisSessionStore(
            sp.GetRequiredService<IOptions<RedisSessionStoreOptions>>(),
            sp.GetService<IConnectionMultiplexer>()));
        return builder.AddStore(RedisSessionStore.StoreName, sp => sp.GetRequiredService<RedisSessionStore>());
    }
}
