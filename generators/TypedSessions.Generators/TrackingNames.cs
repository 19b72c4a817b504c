namespace TypedSessions.Generators
{
    /// <summary>Names of the generator's pipeline steps, for incrementality tests.</summary>
    internal static class TrackingNames
    {
        public const string Schemas = nameof(Schemas);
        public const string ValidSchemas = nameof(ValidSchemas);
        public const string RefusedSchemas = nameof(RefusedSchemas);
        public const string Diagnostics = nameof(Diagnostics);
        public const string Registrations = nameof(Registrations);
    }
}
