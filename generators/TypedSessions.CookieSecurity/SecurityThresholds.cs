using System;
using System.Globalization;
using Microsoft.CodeAnalysis.Diagnostics;

namespace TypedSessions.CookieSecurity
{
    /// <summary>The lifetime limits of TS1006, read from .editorconfig (<c>typedsessions.max_idle_timeout = 00:30:00</c>).</summary>
    internal sealed class SecurityThresholds
    {
        public const string IdleKey = "typedsessions.max_idle_timeout";
        public const string AbsoluteKey = "typedsessions.max_absolute_timeout";
        public const string CookieKey = "typedsessions.max_cookie_lifetime";

        // OWASP session management: idle 15–30 minutes, absolute 4–8 hours for ordinary applications.
        public static readonly TimeSpan DefaultIdle = TimeSpan.FromMinutes(30);
        public static readonly TimeSpan DefaultAbsolute = TimeSpan.FromHours(8);
        public static readonly TimeSpan DefaultCookie = TimeSpan.FromDays(30);

        private SecurityThresholds(TimeSpan idle, TimeSpan absolute, TimeSpan cookie)
        {
            Idle = idle;
            Absolute = absolute;
            Cookie = cookie;
        }

        public TimeSpan Idle { get; }

        public TimeSpan Absolute { get; }

        public TimeSpan Cookie { get; }

        public static SecurityThresholds Read(AnalyzerConfigOptions options)
            => new(Read(options, IdleKey, DefaultIdle), Read(options, AbsoluteKey, DefaultAbsolute), Read(options, CookieKey, DefaultCookie));

        private static TimeSpan Read(AnalyzerConfigOptions options, string key, TimeSpan fallback)
            => options.TryGetValue(key, out var text) && TimeSpan.TryParse(text.Trim(), CultureInfo.InvariantCulture, out var value) && value > TimeSpan.Zero
                ? value
                : fallback;

        public static string Format(TimeSpan value)
            => value == TimeSpan.MaxValue ? "unlimited" : value.ToString("c", CultureInfo.InvariantCulture);
    }
}
