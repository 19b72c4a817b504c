using Microsoft.CodeAnalysis;

namespace TypedSessions.CookieSecurity
{
    /// <summary>One assignment to a property the rules look at, kept until the compilation has been seen.</summary>
    internal sealed class CollectedSetting
    {
        public CollectedSetting(ObjectPath? path, SettingOwner owner, string property, IOperation value, Location location, string? condition, IOperation assignment)
        {
            Path = path;
            Owner = owner;
            Property = property;
            Value = value;
            Location = location;
            Condition = condition;
            Assignment = assignment;
            RunsOnlyInDevelopment = condition is not null && DevelopmentGuard.RunsOnlyInDevelopment(assignment);
        }

        /// <summary>The object set; null when the receiver is not one the analysis follows (the setting still counts alone).</summary>
        public ObjectPath? Path { get; }

        public SettingOwner Owner { get; }

        public string Property { get; }

        public IOperation Value { get; }

        /// <summary>The assignment, which the code fixes rewrite.</summary>
        public Location Location { get; }

        /// <summary>The condition under which the assignment runs, or null when it always runs.</summary>
        public string? Condition { get; }

        /// <summary>The assignment operation (its enclosing branches decide when it runs).</summary>
        public IOperation Assignment { get; }

        /// <summary>Whether a branch that only the Development environment takes encloses the assignment.</summary>
        public bool RunsOnlyInDevelopment { get; }

        public SettingValue? Evaluated { get; set; }
    }

    /// <summary>
    /// A <c>Set-Cookie</c> header written by hand (<c>Headers.SetCookie = ...</c>, <c>Headers["Set-Cookie"] = ...</c>,
    /// <c>Headers.Append("Set-Cookie", ...)</c>, <c>Headers.Add</c>, <c>Headers.TryAdd</c>), with the value given to it.
    /// </summary>
    internal sealed class CollectedHeader
    {
        public CollectedHeader(IOperation value)
        {
            Value = value;
        }

        /// <summary>The header value, conversions to <c>StringValues</c> taken off.</summary>
        public IOperation Value { get; }

        public Location Location => Value.Syntax.GetLocation();
    }

    /// <summary>
    /// A <c>CookieOptions</c> given to <c>Response.Cookies.Append</c>, built right there or in a local;
    /// or an <c>Append(key, value)</c> given no options at all (<see cref="Path"/> null).
    /// </summary>
    internal sealed class CollectedAppend
    {
        public CollectedAppend(ObjectPath? path, Location location, IOperation operation)
        {
            Path = path;
            Location = location;
            Operation = operation;
        }

        /// <summary>The <c>Append</c> call or its options argument (its enclosing branches tell when it runs).</summary>
        public IOperation Operation { get; }

        /// <summary>The options object, or null when the call passes no options.</summary>
        public ObjectPath? Path { get; }

        public Location Location { get; }
    }
}
