namespace TypedSessions;

/// <summary>
/// The names TypedSessions reports metrics and traces under, for subscribing with OpenTelemetry
/// (<c>AddMeter(TypedSessionsTelemetry.MeterName)</c>, <c>AddSource(TypedSessionsTelemetry.ActivitySourceName)</c>)
/// and for dashboards and alerts. docs/observability.md lists every instrument and span.
/// Attribute names follow the OpenTelemetry semantic conventions: namespaced under <c>typedsessions.</c>, and the
/// standard <c>error.type</c> on failures.
/// </summary>
public static class TypedSessionsTelemetry
{
    /// <summary>Name of the <see cref="System.Diagnostics.Metrics.Meter"/> every TypedSessions instrument belongs to.</summary>
    public const string MeterName = "TypedSessions";

    /// <summary>Name of the <see cref="System.Diagnostics.ActivitySource"/> that traces store calls.</summary>
    public const string ActivitySourceName = "TypedSessions";

    /// <summary>
    /// The bucket boundaries (seconds) advised for <see cref="Instruments.StoreOperationDuration"/>: 0.5 ms to 10 s,
    /// dense where store calls fall (an in-process store in microseconds, SQLite, Redis and PostgreSQL in
    /// milliseconds) and reaching past the default 5-second store timeout.
    /// </summary>
    public static IReadOnlyList<double> StoreOperationDurationBuckets { get; } =
        [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary>The bucket boundaries (bytes) advised for <see cref="Instruments.SessionSize"/>: 256 B to 1 MiB (the default size limit is 256 KiB).</summary>
    public static IReadOnlyList<long> SessionSizeBuckets { get; } =
        [256, 1024, 4096, 16384, 65536, 262144, 1048576];

    /// <summary>Names of the instruments of the <see cref="MeterName"/> meter.</summary>
    public static class Instruments
    {
        /// <summary>Counter (<c>{operation}</c>): store calls, by <see cref="Attributes.Store"/>, <see cref="Attributes.Operation"/>, <see cref="Attributes.Outcome"/> and, on failure, <see cref="Attributes.ErrorType"/>.</summary>
        public const string StoreOperations = "typedsessions.store.operations";

        /// <summary>Histogram (<c>s</c>): duration of store calls, with the attributes of <see cref="StoreOperations"/> and the buckets <see cref="StoreOperationDurationBuckets"/>.</summary>
        public const string StoreOperationDuration = "typedsessions.store.operation.duration";

        /// <summary>Counter (<c>{commit}</c>): commits refused because another request got there first, by <see cref="Attributes.ConflictReason"/>.</summary>
        public const string Conflicts = "typedsessions.session.conflicts";

        /// <summary>Counter (<c>{session}</c>): expired sessions deleted by the cleanup service.</summary>
        public const string CleanupDeleted = "typedsessions.cleanup.deleted";

        /// <summary>Counter (<c>{request}</c>): requests answered 503 because the store failed.</summary>
        public const string Unavailable = "typedsessions.requests.unavailable";

        /// <summary>Histogram (<c>By</c>): size of sessions written (UTF-8 keys plus encoded values), with the buckets <see cref="SessionSizeBuckets"/>.</summary>
        public const string SessionSize = "typedsessions.session.size";
    }

    /// <summary>Names of the spans of the <see cref="ActivitySourceName"/> source (all <see cref="System.Diagnostics.ActivityKind.Client"/>).</summary>
    public static class Spans
    {
        /// <summary>Prefix of every span name: a store call's span is <c>typedsessions.</c> followed by its <see cref="Attributes.Operation"/>.</summary>
        public const string Prefix = "typedsessions.";

        /// <summary>Loading a session.</summary>
        public const string Load = Prefix + Operations.Load;

        /// <summary>Creating a session.</summary>
        public const string Create = Prefix + Operations.Create;

        /// <summary>Saving a session's changes.</summary>
        public const string Save = Prefix + Operations.Save;

        /// <summary>Cycling a session's id (the old key becomes a tombstone).</summary>
        public const string Cycle = Prefix + Operations.Cycle;

        /// <summary>Ending (flushing) a session.</summary>
        public const string End = Prefix + Operations.End;

        /// <summary>Deleting a session.</summary>
        public const string Delete = Prefix + Operations.Delete;

        /// <summary>Ending every session of a user.</summary>
        public const string RevokeUser = Prefix + Operations.RevokeUser;

        /// <summary>Listing a user's sessions.</summary>
        public const string ListUser = Prefix + Operations.ListUser;
    }

    /// <summary>The values of <see cref="Attributes.Operation"/>.</summary>
    public static class Operations
    {
        /// <summary>Loading a session.</summary>
        public const string Load = "load";

        /// <summary>Creating a session.</summary>
        public const string Create = "create";

        /// <summary>Saving a session's changes.</summary>
        public const string Save = "save";

        /// <summary>Cycling a session's id.</summary>
        public const string Cycle = "cycle";

        /// <summary>Ending (flushing) a session.</summary>
        public const string End = "end";

        /// <summary>Deleting a session.</summary>
        public const string Delete = "delete";

        /// <summary>Ending every session of a user.</summary>
        public const string RevokeUser = "revoke_user";

        /// <summary>Listing the store keys of a user's sessions (<see cref="ISessionManager.ListUserSessionsAsync"/>).</summary>
        public const string ListUser = "list_user";
    }

    /// <summary>The values of <see cref="Attributes.Outcome"/>.</summary>
    public static class Outcomes
    {
        /// <summary>The call succeeded.</summary>
        public const string Ok = "ok";

        /// <summary>The store threw; <see cref="Attributes.ErrorType"/> is the exception's type.</summary>
        public const string Error = "error";

        /// <summary>The call did not finish within <c>TypedSessions:StoreTimeout</c>; <see cref="Attributes.ErrorType"/> is <see cref="ErrorTypes.Timeout"/>.</summary>
        public const string Timeout = "timeout";

        /// <summary>The stored data (or the encrypted cookie) could not be read; <see cref="Attributes.ErrorType"/> is <see cref="ErrorTypes.Corrupt"/>.</summary>
        public const string Corrupt = "corrupt";
    }

    /// <summary>
    /// The fixed values of <see cref="Attributes.ErrorType"/>. Any other value is the full name of the exception
    /// type the store threw (e.g. <c>StackExchange.Redis.RedisConnectionException</c>), as OpenTelemetry advises.
    /// </summary>
    public static class ErrorTypes
    {
        /// <summary>The store call did not finish within the store timeout.</summary>
        public const string Timeout = "timeout";

        /// <summary>The stored session (or the encrypted cookie) could not be decoded.</summary>
        public const string Corrupt = "corrupt";
    }

    /// <summary>The values of <see cref="Attributes.ConflictReason"/>.</summary>
    public static class ConflictReasons
    {
        /// <summary>A value read for read-modify-write was changed by another request.</summary>
        public const string Conflict = "conflict";

        /// <summary>The session was cycled, flushed, revoked or expired before this request committed.</summary>
        public const string Interrupted = "interrupted";

        /// <summary>The request carried an id that was cycled or flushed moments ago (a tombstone).</summary>
        public const string Superseded = "superseded";
    }

    /// <summary>Attribute (tag) names on measurements and spans.</summary>
    public static class Attributes
    {
        /// <summary>The store's class name, e.g. <c>RedisSessionStore</c> (measurements and spans).</summary>
        public const string Store = "typedsessions.store";

        /// <summary>The store call, one of <see cref="Operations"/> (measurements and spans).</summary>
        public const string Operation = "typedsessions.operation";

        /// <summary>How a store call ended, one of <see cref="Outcomes"/> (measurements).</summary>
        public const string Outcome = "typedsessions.outcome";

        /// <summary>Why a commit was refused: one of <see cref="ConflictReasons"/>.</summary>
        public const string ConflictReason = "typedsessions.conflict.reason";

        /// <summary>The session id's 12-character hash, as in the logs — never the id (spans only, never on measurements).</summary>
        public const string SessionIdHash = "typedsessions.session.id_hash";

        /// <summary>OpenTelemetry's <c>error.type</c>: set only when a call failed, to one of <see cref="ErrorTypes"/> or the exception's full type name.</summary>
        public const string ErrorType = "error.type";
    }
}
