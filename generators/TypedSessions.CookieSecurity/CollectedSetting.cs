using Microsoft.CodeAnalysis;

namespace TypedSessions.CookieSecurity
{
    /// <summary>One assignment to a property the rules look at, kept until the compilation has been seen.</summary>
    internal sealed class CollectedSetting
    {
        public CollectedSetting(ObjectPath? path, SettingOwner owner, string property, IOperation value, Location location, string? condition)
        {
            Path = path;
            Owner = owner;
            Property = property;
            Value = value;
            Location = location;
            Condition = condition;
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

        public SettingValue? Evaluated { get; set; }
    }

    /// <summary>
    /// A <c>CookieOptions</c> given to <c>Response.Cookies.Append</c>, built right there or in a local;
    /// or an <c>Append(key, value)</c> given no options at all (<see cref="Path"/> null).
    /// </summary>
    internal sealed class CollectedAppend
    {
        public CollectedAppend(ObjectPath? path, Location location)
        {
            Path = path;
            Location = location;
        }

        /// <summary>The options object, or null when the call passes no options.</summary>
        public ObjectPath? Path { get; }

        public Location Location { get; }
    }
}
