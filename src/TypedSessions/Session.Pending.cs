using MessagePack;

namespace TypedSessions;

public sealed partial class Session
{
    // Fresh values handed out for absent keys: not part of the session until changed in place.
    private Dictionary<string, Entry>? _pending;

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
        _pending ??= new Dictionary<string, Entry>(StringComparer.Ordinal);
        if (_pending.TryGetValue(key, out var pending) && pending.ValueType == typeof(T))
        {
            return (T)pending.Value!;
        }

        var fresh = new T();
        var entry = new Entry(Encode(key, fresh));
        entry.Cache(fresh, typeof(T), tracked: true);
        _pending[key] = entry;
        return fresh;
    }

    // Stores the pending values that were changed in place since they were handed out.
    private void PromoteChangedPending()
    {
        if (_pending is not { Count: > 0 })
        {
            return;
        }

        foreach (var (key, entry) in _pending.ToArray())
        {
            var bytes = MessagePackSerializer.Serialize(entry.ValueType!, entry.Value, _coordinator.SerializerOptions);
            if (bytes.AsSpan().SequenceEqual(entry.Bytes))
            {
                continue;
            }

            entry.Bytes = bytes;
            Put(key, entry);
        }
    }

    private byte[] Encode<T>(string key, T value)
    {
        try
        {
            return MessagePackSerializer.Serialize(value, _coordinator.SerializerOptions);
        }
        catch (MessagePackSerializationException ex)
        {
            throw new SessionValueException(key, typeof(T), ex);
        }
    }
}
