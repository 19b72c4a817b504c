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

    /// <summary>A moment relative to now (<c>DateTimeOffset.UtcNow.AddDays(30)</c>): a cookie expiry.</summary>
    internal sealed record FromNow(TimeSpan Offset);

    /// <summary>What a value can be at run time, as far as constants and simple flow tell.</summary>
    internal sealed class SettingValue
    {
        public static readonly object Unknown = new UnknownValue();

        public static readonly object Null = new NullValue();

        public SettingValue(IReadOnlyList<object> candidates, string? condition)
        {
            Candidates = candidates;
            Condition = condition;
        }

        /// <summary>The values it can take; <see cref="Unknown"/> for a branch the analysis cannot see through.</summary>
        public IReadOnlyList<object> Candidates { get; }

        /// <summary>The condition choosing between the candidates, when there is more than one.</summary>
        public string? Condition { get; }

        public static SettingValue Of(object value) => new(new[] { value }, null);

        public static SettingValue Union(IEnumerable<SettingValue> values, string? condition)
        {
            var list = values.ToList();
            var candidates = list.SelectMany(v => v.Candidates).Distinct().ToList();
            return new SettingValue(candidates, condition ?? list.Select(v => v.Condition).FirstOrDefault(c => c is not null));
        }

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
