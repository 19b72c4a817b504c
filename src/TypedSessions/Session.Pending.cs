using TypedSessions.Core;

namespace TypedSessions;

public sealed partial class Session
{
    /// <summary>
    /// Reads a value; when the key is absent, returns a new <typeparamref name="T"/> that is not
    /// stored yet. The same instance is returned until the request ends, and it is saved under
    /// <paramref name="key"/> only if it was changed in place (so <c>GetOrNew&lt;List&lt;T&gt;&gt;("cart").Add(x)</c>
    /// is kept, while merely reading an absent collection writes nothing and sets no cookie).
    /// </summary>
    /// <typeparam name="T">The value's type, typically a collection.</typeparam>
    /// <param name="key">The key (1 to <see cref="MaxKeyLength"/> characters).</param>
    /// <returns>The stored value, or the pending new one.</returns>
    /// <exception cref="SessionValueException">The stored bytes cannot be read as <typeparamref name="T"/>.</exception>
    public T GetOrNew<T>(string key)
        where T : class, new()
    {
        if (TryGet<T>(key, out var value) && value is not null)
        {
            return value;
        }

        ValidateKey(key);
        var pendingValues = _state.Pending ??= new Dictionary<string, SessionEntry>(StringComparer.Ordinal);
        if (pendingValues.TryGetValue(key, out var pending) && pending.ValueType == typeof(T))
        {
            return (T)pending.Value!;
        }

        var fresh = new T();
        var entry = new SessionEntry(_env.Codec.Encode(key, fresh));
        entry.Cache(fresh, tracked: true);
        pendingValues[key] = entry;
        return fresh;
    }

    // Stores the pending values that were changed in place since they were handed out.
    private void PromoteChangedPending()
    {
        if (_state.Pending is not { Count: > 0 } pendingValues)
        {
            return;
        }

        foreach (var (key, entry) in pendingValues.ToArray())
        {
            var bytes = entry.Reencode(_env.Codec, key);
            if (bytes.AsSpan().SequenceEqual(entry.Bytes))
            {
                continue;
            }

            entry.Bytes = bytes;
            Put(key, entry);
        }
    }
}
