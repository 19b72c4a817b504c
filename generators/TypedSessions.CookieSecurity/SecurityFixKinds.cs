namespace TypedSessions.CookieSecurity
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

        /// <summary>Add <c>Secure = true</c> next to the assignment (<c>CookieOptions</c> with <c>SameSite = None</c>).</summary>
        public const string AddSecureTrue = "AddSecureTrue";

        /// <summary>Add <c>SecurePolicy = CookieSecurePolicy.Always</c> next to the assignment (a cookie builder with <c>SameSite = None</c>).</summary>
        public const string AddSecurePolicyAlways = "AddSecurePolicyAlways";

        /// <summary>Give <c>Response.Cookies.Append(key, value)</c> a <c>new CookieOptions { Secure = true, HttpOnly = true }</c>.</summary>
        public const string AppendSecureOptions = "AppendSecureOptions";

        /// <summary>Turn <c>AddSession()</c> into <c>AddSession(o =&gt; o.Cookie.SecurePolicy = CookieSecurePolicy.Always)</c>.</summary>
        public const string AddSessionSecurePolicy = "AddSessionSecurePolicy";

        /// <summary>Prefix the assigned cookie name literal with <c>__Host-</c>.</summary>
        public const string HostPrefix = "HostPrefix";

        /// <summary>Add <c>Secure = true</c> to a <c>new CookieOptions { ... }</c> (or <c>new() { ... }</c>) passed to <c>Append</c> without it.</summary>
        public const string OptionsSecureTrue = "OptionsSecureTrue";

        /// <summary>Append <c>; Secure</c> to a hand-written <c>Set-Cookie</c> header's string.</summary>
        public const string HeaderSecure = "HeaderSecure";

        /// <summary>Append <c>; HttpOnly</c> to a hand-written <c>Set-Cookie</c> header's string.</summary>
        public const string HeaderHttpOnly = "HeaderHttpOnly";

        /// <summary>The fix kinds a diagnostic offers, from its properties (several are separated by <see cref="Separator"/>).</summary>
        public const char Separator = ',';

        public static string Join(params string[] kinds) => string.Join(Separator.ToString(), kinds);
    }
}
