using Microsoft.Extensions.Options;

namespace TypedSessions.Redis;

/// <summary>Rejects Redis store settings that cannot work, at startup, naming the setting and what it accepts.</summary>
internal sealed class RedisSessionStoreOptionsValidator : IValidateOptions<RedisSessionStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisSessionStoreOptions options)
    {
        var errors = new List<string>();
        if (options.KeyPrefix is null)
        {
            errors.Add($"{RedisSessionStoreOptions.SectionName}:KeyPrefix must be a string (empty for none), not null.");
        }

        if (options.Database < -1)
        {
            errors.Add($"{RedisSessionStoreOptions.SectionName}:Database must be -1 (the connection's default) or a database number 0 or more (was {options.Database}).");
        }

        if (options.CleanupBatchSize < 1)
        {
            errors.Add($"{RedisSessionStoreOptions.SectionName}:CleanupBatchSize must be at least 1 (was {options.CleanupBatchSize}).");
        }

        if (options.WaitForReplicas < 0)
        {
            errors.Add($"{RedisSessionStoreOptions.SectionName}:WaitForReplicas must be 0 (do not wait) or a number of replicas, 1 or more (was {options.WaitForReplicas}).");
        }

        if (options.ReplicaWaitTimeout < TimeSpan.FromMilliseconds(1))
        {
            errors.Add($"{RedisSessionStoreOptions.SectionName}:ReplicaWaitTimeout must be at least 1 millisecond (was {options.ReplicaWaitTimeout}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
