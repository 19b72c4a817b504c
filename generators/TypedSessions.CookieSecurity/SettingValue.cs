using System;
using System.Collections.Generic;
using System.Linq;

namespace TypedSessions.CookieSecurity
{
    /// <summary>An enum member, by name (the rules read enums by member name, not by number).</summary>
    internal sealed record EnumMember(string Name)
    {
        public override string ToString() => Name;
    }

    /// <summary>The value of <c>Request.IsHttps</c> (or <c>Request.Scheme == "https"</c>): Secure only on HTTPS requests, as <c>SameAsRequest</c>.</summary>
    internal sealed record RequestIsHttps
    {
        public static readonly RequestIsHttps Instance = new();

        public override string ToString() => "Request.IsHttps";
    }

    /// <summary>A moment relative to now (<c>DateTimeOffset.UtcNow.AddDays(30)</c>): a cookie expiry.</summary>
    internal sealed record FromNow(TimeSpan Offset);

    /// <summary>What a value can be at run time, as far as constants and simple flow tell.</summary>
    internal sealed class SettingValue
    {
        public static readonly object Unknown = new UnknownValue();

        public static readonly object Null = new NullValue();

        public SettingValue(IReadOnlyList<object> candidates, string? condition, IReadOnlyCollection<object>? developmentOnly = null)
        {
            Candidates = candidates;
            Condition = condition;
            DevelopmentOnly = developmentOnly ?? Array.Empty<object>();
        }

        /// <summary>The values it can take; <see cref="Unknown"/> for a branch the analysis cannot see through.</summary>
        public IReadOnlyList<object> Candidates { get; }

        /// <summary>The condition choosing between the candidates, when there is more than one.</summary>
        public string? Condition { get; }

        /// <summary>The candidates that only a branch taken in the Development environment gives (<see cref="DevelopmentGuard"/>).</summary>
        public IReadOnlyCollection<object> DevelopmentOnly { get; }

        public static SettingValue Of(object value) => new(new[] { value }, null);

        public static SettingValue Union(IEnumerable<SettingValue> values, string? condition)
        {
            var list = values.ToList();
            var candidates = list.SelectMany(v => v.Candidates).Distinct().ToList();

            // A value stays Development-only when every branch that gives it is.
            var developmentOnly = candidates
                .Where(c => list.Where(v => v.Candidates.Contains(c)).All(v => v.DevelopmentOnly.Contains(c)))
                .ToList();
            return new SettingValue(candidates, condition ?? list.Select(v => v.Condition).FirstOrDefault(c => c is not null), developmentOnly);
        }

        /// <summary>This value, given only on a branch taken in Development (when <paramref name="developmentOnly"/>).</summary>
        public SettingValue InDevelopment(bool developmentOnly)
            => developmentOnly ? new SettingValue(Candidates, Condition, Candidates) : this;

        /// <summary>Whether every candidate matching <paramref name="insecure"/> is given only in Development.</summary>
        public bool OnlyInDevelopment(Func<object, bool> insecure)
            => Candidates.Where(insecure).All(DevelopmentOnly.Contains);

        /// <summary>Checks the candidates against a predicate: all of them, some of them, or none.</summary>
        public Verdict Check(Func<object, bool> insecure)
        {
            var bad = Candidates.Count(insecure);
            return bad == 0 ? Verdict.Secure : bad == Candidates.Count ? Verdict.Insecure : Verdict.MaybeInsecure;
        }

        public object? First(Func<object, bool> predicate) => Candidates.FirstOrDefault(predicate);

        private sealed class UnknownValue
        {
            public override string ToString() => "unknown";
        }

        private sealed class NullValue
        {
            public override string ToString() => "null";
        }
    }

    internal enum Verdict
    {
        Secure,
        MaybeInsecure,
        Insecure,
    }
}
