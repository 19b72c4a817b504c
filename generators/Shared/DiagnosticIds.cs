namespace TypedSessions.Analyzers
{
    /// <summary>
    /// Every TypedSessions diagnostic id: TS0xxx (schema, TypedSessions.Generators) and TS1xxx (cookie
    /// and session security, TypedSessions.CookieSecurity). Compiled into each analyzer project and the
    /// code fixes as linked source (generators/Directory.Build.props), so no assembly depends on another's
    /// at load time and two rules can never take one id.
    /// </summary>
    internal static class DiagnosticIds
    {
        /// <summary>Each id has a page under docs/diagnostics; a descriptor's help link is this plus "{id}.md".</summary>
        public const string HelpLinkBase = "https://github.com/typedsessions/typedsessions/blob/main/docs/diagnostics/";

        public const string SchemaNotPartial = "TS0001";
        public const string PropertyNotPartial = "TS0002";
        public const string PropertyNeedsGetAndSet = "TS0003";
        public const string PropertyInitOnly = "TS0004";
        public const string PropertyStatic = "TS0005";
        public const string PropertyIndexer = "TS0006";
        public const string UnsupportedPropertyType = "TS0007";
        public const string DuplicateKey = "TS0008";
        public const string InvalidKey = "TS0009";
        public const string UnsupportedSchemaShape = "TS0010";
        public const string SecretLikeProperty = "TS0011";
        public const string InvalidDefaultValue = "TS0012";
        public const string NoValueWhenAbsent = "TS0013";

        public const string CookieNotSecure = "TS1001";
        public const string CookieSecureOnlyOnHttps = "TS1002";
        public const string CookieNotHttpOnly = "TS1003";
        public const string SameSiteNoneWithoutSecure = "TS1004";
        public const string CookieDomainSet = "TS1005";
        public const string LifetimeTooLong = "TS1006";
        public const string TimeoutDisabled = "TS1007";
        public const string AddSessionDefaultSecurePolicy = "TS1008";
        public const string CookieNameWithoutHostPrefix = "TS1009";
        public const string MayBeInsecure = "TS1010";
        public const string InsecureOnSomePath = "TS1011";
        public const string SameSiteUnspecified = "TS1012";
    }
}
