using Microsoft.Extensions.Options;

namespace TypedSessions.Storage.DistributedCache;

/// <summary>Rejects <c>IDistributedCache</c> store settings that cannot work, at startup.</summary>
internal sealed class DistributedCacheSessionStoreOptionsValidator : IValidateOptions<DistributedCacheSessionStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, DistributedCacheSessionStoreOptions options)
        => options.KeyPrefix is null
            ? ValidateOptionsResult.Fail($"{DistributedCacheSessionStoreOptions.SectionName}:KeyPrefix must be a string (empty for none), not null.")
            : ValidateOptionsResult.Success;
}
