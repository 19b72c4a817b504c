namespace TypedSessions.Redis;

/// <summary>The Lua scripts of <see cref="RedisSessionStore"/>; each runs atomically on the server.</summary>
internal static class RedisScripts
{
    // Shared Lua: fmt() writes an integral number without an exponent; touch() is SessionLifetime.Touch.
    internal const string Common = """
        local function fmt(n) return string.format('%.0f', n) end
        local function touch(now, exp, idle, cap, threshold)
          if idle == nil or exp <= now then return nil end
          local proposed = now + idle
          if cap ~= nil and proposed > cap then proposed = cap end
          local gain = proposed - exp
          if gain <= 0 or gain < idle * threshold then return nil end
          return proposed
        end

        """;

    // KEYS[1] session; ARGV[1] now; ARGV[2] touch threshold, '' for none.
    // Returns nil when absent or expired, else { touched (0/1), flat field/value list }. A hash whose
    // expiry field is unreadable is returned as it is, for the client to report as corrupt.
    // The metadata comes from the one HGETALL: a load that is not due for a touch is a single command.
    internal const string Load = Common + """
        local key = KEYS[1]
        local fields = redis.call('HGETALL', key)
        if #fields == 0 then return nil end
        local now = tonumber(ARGV[1])
        local exp, idle, cap, at
        for i = 1, #fields, 2 do
          local f = fields[i]
          if f == '@e' then exp = tonumber(fields[i + 1]); at = i + 1
          elseif f == '@i' then idle = tonumber(fields[i + 1])
          elseif f == '@a' then cap = tonumber(fields[i + 1]) end
        end
        if exp == nil then return { 0, fields } end
        if exp <= now then return nil end
        if ARGV[2] == '' then return { 0, fields } end
        local proposed = touch(now, exp, idle, cap, tonumber(ARGV[2]))
        if proposed == nil then return { 0, fields } end
        redis.call('HSET', key, '@e', fmt(proposed))
        redis.call('PEXPIRE', key, fmt(proposed - now))
        fields[at] = fmt(proposed)
        return { 1, fields }
        """;

    // KEYS[1] session; ARGV[1] now; ARGV[2] threshold. Returns 1 when the expiry moved.
    internal const string Touch = Common + """
        local key = KEYS[1]
        local now = tonumber(ARGV[1])
        local m = redis.call('HMGET', key, '@e', '@i', '@a')
        local exp = tonumber(m[1])
        if exp == nil then return 0 end
        local proposed = touch(now, exp, tonumber(m[2]), tonumber(m[3]), tonumber(ARGV[2]))
        if proposed == nil then return 0 end
        redis.call('HSET', key, '@e', fmt(proposed))
        redis.call('PEXPIRE', key, fmt(proposed - now))
        return 1
        """;

    // KEYS[1] session; ARGV[1] now (the record's creation); ARGV[2] its expiry; ARGV[3..] field, value pairs.
    // Returns 0 when a live session holds the key (nothing written), else 1.
    internal const string Create = Common + """
        local key = KEYS[1]
        local now = tonumber(ARGV[1])
        local exp = tonumber(redis.call('HGET', key, '@e'))
        if exp ~= nil and exp > now then return 0 end
        redis.call('DEL', key)
        for i = 3, #ARGV, 1000 do
          redis.call('HSET', key, unpack(ARGV, i, math.min(i + 999, #ARGV)))
        end
        local ttl = tonumber(ARGV[2]) - now
        if ttl > 0 then redis.call('PEXPIRE', key, fmt(ttl)) else redis.call('DEL', key) end
        return 1
        """;

    // KEYS[1] session. ARGV: [1] now, [2] clear (1/0), [3] removal count R, [4] set count S,
    // [5] lifetime given (1/0), [6] expires, [7] absolute ('' none), [8] idle ms ('' none), [9] mode,
    // [10] user key: 0 keep, 1 set to [11], 2 remove; then R removed fields, then S field/value pairs.
    // Returns 0 when the session is absent or expired (nothing written), else 1.
    internal const string Save = Common + """
        local key = KEYS[1]
        local now = tonumber(ARGV[1])
        local m = redis.call('HMGET', key, '@e', '@i', '@a', '@v')
        local exp = tonumber(m[1])
        if exp == nil or exp <= now then return 0 end
        if ARGV[2] == '1' then
          local names = redis.call('HKEYS', key)
          local old = {}
          for _, f in ipairs(names) do
            if string.byte(f, 1) ~= 64 then old[#old + 1] = f end
          end
          for i = 1, #old, 1000 do
            redis.call('HDEL', key, unpack(old, i, math.min(i + 999, #old)))
          end
        end
        local removed = tonumber(ARGV[3])
        local sets = tonumber(ARGV[4])
        local drop, put = {}, {}
        for i = 12, 11 + removed do drop[#drop + 1] = ARGV[i] end
        for i = 12 + removed, 11 + removed + 2 * sets do put[#put + 1] = ARGV[i] end
        local newExp = exp
        if ARGV[5] == '1' then
          newExp = tonumber(ARGV[6])
          put[#put + 1] = '@e'; put[#put + 1] = ARGV[6]
          put[#put + 1] = '@m'; put[#put + 1] = ARGV[9]
          if ARGV[7] == '' then drop[#drop + 1] = '@a' else put[#put + 1] = '@a'; put[#put + 1] = ARGV[7] end
          if ARGV[8] == '' then drop[#drop + 1] = '@i' else put[#put + 1] = '@i'; put[#put + 1] = ARGV[8] end
        else
          local proposed = touch(now, exp, tonumber(m[2]), tonumber(m[3]), 0)
          if proposed ~= nil then
            newExp = proposed
            put[#put + 1] = '@e'; put[#put + 1] = fmt(proposed)
          end
        end
        put[#put + 1] = '@v'; put[#put + 1] = fmt((tonumber(m[4]) or 0) + 1)
        if ARGV[10] == '1' then put[#put + 1] = '@u'; put[#put + 1] = ARGV[11] elseif ARGV[10] == '2' then drop[#drop + 1] = '@u' end
        for i = 1, #drop, 1000 do
          redis.call('HDEL', key, unpack(drop, i, math.min(i + 999, #drop)))
        end
        for i = 1, #put, 1000 do
          redis.call('HSET', key, unpack(put, i, math.min(i + 999, #put)))
        end
        if newExp > now then redis.call('PEXPIRE', key, fmt(newExp - now)) else redis.call('DEL', key) end
        return 1
        """;

    // KEYS[1] session; ARGV[1] now. Deletes the key when its stored expiry has passed.
    internal const string DeleteIfExpired = """
        local exp = tonumber(redis.call('HGET', KEYS[1], '@e'))
        if exp ~= nil and exp <= tonumber(ARGV[1]) then return redis.call('DEL', KEYS[1]) end
        return 0
        """;

    // KEYS[1] the user's index; ARGV[1] now; ARGV[2] score ('inf' or ms); ARGV[3] the session's store key.
    internal const string Index = """
        local idx = KEYS[1]
        local now = tonumber(ARGV[1])
        redis.call('ZADD', idx, ARGV[2], ARGV[3])
        redis.call('ZREMRANGEBYSCORE', idx, '-inf', '(' .. ARGV[1])
        local top = redis.call('ZRANGE', idx, -1, -1, 'WITHSCORES')
        if #top == 0 then return 0 end
        local last = tonumber(top[2])
        if last == math.huge then
          redis.call('PERSIST', idx)
        elseif last > now then
          redis.call('PEXPIRE', idx, string.format('%.0f', last - now))
        end
        return 1
        """;

    // KEYS[1] session; ARGV[1] user key. Deletes the session when it is bound to that user.
    internal const string Revoke = """
        if redis.call('HGET', KEYS[1], '@u') == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """;

    // KEYS[1] session. Returns nil when the key is gone, else { stored expiry ('' when unreadable), bytes of keys and values }.
    internal const string Size = """
        local fields = redis.call('HGETALL', KEYS[1])
        if #fields == 0 then return nil end
        local exp, size = '', 0
        for i = 1, #fields, 2 do
          local f = fields[i]
          if f == '@e' then exp = fields[i + 1]
          elseif string.sub(f, 1, 2) == 'v:' then size = size + #f - 2 + #fields[i + 1] end
        end
        return { exp, size }
        """;
}
