namespace TypedSessions.Generators
{
    /// <summary>
    /// The fix a TS1xxx diagnostic offers, carried in its properties under <see cref="Key"/>; shared as
    /// source with the code fixes.
    /// </summary>
    internal static class SecurityFixKinds
    {
        public const string Key = "TypedSessions.Fix";

        /// <summary>Replace the assigned value with <c>CookieSecurePolicy.Always</c>.</summary>
        public const string SecurePolicyAlways = "SecurePolicyAlways";

        /// <summary>Replace the assigned value with <c>true</c> (<c>Secure</c>).</summary>
        public const string SecureTrue = "SecureTrue";

        /// <summary>Replace the assigned value with <c>true</c> (<c>HttpOnly</c>).</summary>
        public const string HttpOnlyTrue = "HttpOnlyTrue";

        /// <summary>Replace the assigned value with <c>SameSiteMode.Lax</c>.</summary>
        public const string SameSiteLax = "SameSiteLax";

        /// <summary>Remove the assignment (<c>Domain</c>, <c>UseHostPrefix = false</c>).</summary>
        public const string RemoveAssignment = "RemoveAssignment";
    }
}
