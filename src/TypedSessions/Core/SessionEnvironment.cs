using Microsoft.Extensions.Options;
using TypedSessions.Storage;

namespace TypedSessions.Core;

/// <summary>
/// What every session shares whatever carries it: the options, the clock and the value codec. One per app (a DI
/// singleton); no HTTP in it.
/// </summary>
internal sealed class SessionEnvironment
{
    private readonly TimeProvider _time;

    public SessionEnvironment(IOptions<TypedSessionOptions> options, TimeProvider time)
    {
        Options = options.Value;
        _time = time;
        Codec = new SessionCodec(Options.SerializerOptions);
    }

    public TypedSessionOptions Options { get; }

    public SessionCodec Codec { get; }

    public DateTimeOffset Now => _time.GetUtcNow();

    public SessionLifetime ComputeLifetime(SessionExpiryMode mode, DateTimeOffset now, DateTimeOffset? createdAt, TimeSpan? relative = null, DateTimeOffset? absolute = null)
        => SessionLifetime.Compute(mode, now, createdAt ?? now, Options.IdleTimeout, Options.AbsoluteTimeout, relative, absolute);
}
