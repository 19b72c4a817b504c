using System.Text;

namespace TypedSessions.Storage;

/// <summary>How the session size limit counts bytes.</summary>
public static class SessionSize
{
    /// <summary>The bytes one entry counts for: its key in UTF-8 plus its encoded value.</summary>
    /// <param name="key">The entry's key.</param>
    /// <param name="valueLength">The encoded value's length.</param>
    public static long Of(string key, int valueLength) => Encoding.UTF8.GetByteCount(key) + (long)valueLength;
}
