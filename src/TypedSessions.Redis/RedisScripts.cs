namespace TypedSessions.Redis;

/// <summary>The Lua scripts of <see cref="RedisSessionStore"/>; each runs atomically on the server.</summary>
/// <remarks>
/// A tombstone (<see cref="TypedSessions.Storage.ISessionStore"/>) is a hash holding only <c>@t</c> (the instant it was
/// made) and <c>@e</c> (its end), with the key's TTL at that end: <c>@t</c> is a metadata name (<c>@</c>), so no
/// value field (<c>v:</c>) can clash with it, and no live session hash has it. Write outcomes are returned as the
/// numbers of <see cref="TypedSessions.Storage.SessionWriteOutcome"/>: 0 applied, 1 not found, 2 superseded, 3 conflict,
/// 4 too large (more keys than the store loads, or over a blind save's size limit).
/// </remarks>
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

    // The change set of a save or a cycle, in ARGV: [1] now, [2] clear (1/0), [3] removal count R, [4] set count S,
    // [5] lifetime given (1/0), [6] expires, [7] absolute ('' none), [8] idle ms ('' none), [9] mode,
    // [10] user key: 0 keep, 1 set to [11], 2 remove; [12] expectation count E; [13] the most value fields the hash may
    // hold after the write (the store's SessionEnvelopeLimits.MaxKeys); then, from ARGV[base], R removed fields, S
    // field/value pairs and E expectations (field, '1' present with the value that follows / '0' absent, value).
    // check() is SessionRecord.TryApply's decision (0 apply, 1 not found, 2 tombstone, 3 conflict) with the metadata
    // it read; fits() its key count (false: too many, nothing may be written); apply() is SessionRecord.Apply on the
    // hash, TTL included (a lifetime already over deletes the key).
    // On Redis Cluster a cycle fences the old hash while it moves it (@f = '<until ms>:<new store key>', see
    // ClusterCycleRead): check() answers 3 (conflict, nothing written; the client may retry) to every write but that
    // cycle's own until the fence's time has passed, so no write can land on a hash whose copy is already made.
    private const string ChangeSet = """
        local function check(key, now, base, owner)
          local m = redis.call('HMGET', key, '@e', '@i', '@a', '@v', '@t', '@u', '@f')
          local exp = tonumber(m[1])
          if exp == nil or exp <= now then return 1, m end
          if m[5] then return 2, m end
          if m[7] then
            local untilMs, holder = string.match(m[7], '^(%d+):(.*)$')
            if tonumber(untilMs or '0') > now and holder ~= owner then return 3, m end
          end
          local first = base + tonumber(ARGV[3]) + 2 * tonumber(ARGV[4])
          for i = first, first + 3 * tonumber(ARGV[12]) - 1, 3 do
            local stored = redis.call('HGET', key, ARGV[i])
            if ARGV[i + 1] == '0' then
              if stored then return 3, m end
            elseif stored ~= ARGV[i + 2] then
              return 3, m
            end
          end
          return 0, m
        end
        local function fits(key, base)
          local removed, sets, max = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[13])
          if sets == 0 then return true end
          local count = 0
          if ARGV[2] ~= '1' then
            -- HLEN counts the metadata fields too: an upper bound that settles nearly every write with one command.
            count = redis.call('HLEN', key)
            if count + sets <= max then return true end
            count = 0
            for _, f in ipairs(redis.call('HKEYS', key)) do
              if string.byte(f, 1) ~= 64 then count = count + 1 end
            end
            local set, gone = {}, {}
            for i = base + removed, base + removed + 2 * sets - 1, 2 do set[ARGV[i]] = true end
            for i = base, base + removed - 1 do
              local f = ARGV[i]
              if not set[f] and not gone[f] and redis.call('HEXISTS', key, f) == 1 then count = count - 1 end
              gone[f] = true
            end
          end
          for i = base + removed, base + removed + 2 * sets - 1, 2 do
            if ARGV[2] == '1' or redis.call('HEXISTS', key, ARGV[i]) == 0 then count = count + 1 end
          end
          return count <= max
        end
        local function apply(key, now, m, base)
          local exp = tonumber(m[1])
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
          for i = base, base + removed - 1 do drop[#drop + 1] = ARGV[i] end
          for i = base + removed, base + removed + 2 * sets - 1 do put[#put + 1] = ARGV[i] end
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
          return newExp
        end

        """;

    // bury() replaces whatever the key holds by a tombstone ending at ends (none when that has passed).
    private const string Tombstone = """
        local function bury(key, now, ends)
          redis.call('DEL', key)
          if ends > now then
            redis.call('HSET', key, '@t', fmt(now), '@e', fmt(ends))
            redis.call('PEXPIRE', key, fmt(ends - now))
          end
        end

        """;

    // index() adds a member to a user's index, drops members whose score has passed and sets the set's TTL to its
    // latest score (none while a member has no cap).
    private const string UserIndex = """
        local function index(idx, now, score, member)
          redis.call('ZADD', idx, score, member)
          redis.call('ZREMRANGEBYSCORE', idx, '-inf', '(' .. fmt(now))
          local top = redis.call('ZRANGE', idx, -1, -1, 'WITHSCORES')
          if #top == 0 then return 0 end
          local last = tonumber(top[2])
          if last == math.huge then
            redis.call('PERSIST', idx)
          elseif last > now then
            redis.call('PEXPIRE', idx, fmt(last - now))
          end
          return 1
        end

        """;

    // KEYS[1] session; ARGV[1] now; ARGV[2] touch threshold, '' for none.
    // Returns nil when absent or expired, { 2 } for a live tombstone, else { touched (0/1), flat field/value list }.
    // A hash whose expiry field is unreadable is returned as it is, for the client to report as corrupt.
    // The metadata comes from the one HGETALL: a load that is not due for a touch is a single command.
    internal const string Load = Common + """
        local key = KEYS[1]
        local fields = redis.call('HGETALL', key)
        if #fields == 0 then return nil end
        local now = tonumber(ARGV[1])
        local exp, idle, cap, at, tomb
        for i = 1, #fields, 2 do
          local f = fields[i]
          if f == '@e' then exp = tonumber(fields[i + 1]); at = i + 1
          elseif f == '@i' then idle = tonumber(fields[i + 1])
          elseif f == '@a' then cap = tonumber(fields[i + 1])
          elseif f == '@t' then tomb = true end
        end
        if exp == nil then return { 0, fields } end
        if exp <= now then return nil end
        if tomb then return { 2 } end
        if ARGV[2] == '' then return { 0, fields } end
        local proposed = touch(now, exp, idle, cap, tonumber(ARGV[2]))
        if proposed == nil then return { 0, fields } end
        redis.call('HSET', key, '@e', fmt(proposed))
        redis.call('PEXPIRE', key, fmt(proposed - now))
        fields[at] = fmt(proposed)
        return { 1, fields }
        """;

    // KEYS[1] session; ARGV[1] now; ARGV[2] touch threshold, '' for none; ARGV[3..] the value fields to read (v:<name>).
    // As Load, but one HMGET of the metadata and the asked-for fields instead of HGETALL: returns nil, { 2 }, or
    // { touched (0/1), flat field/value list of the metadata present and the asked-for fields present }. A hash whose
    // expiry field is unreadable is returned whole (HGETALL), for the client to report as corrupt.
    internal const string LoadKeys = Common + """
        local key = KEYS[1]
        local ask = { '@e', '@i', '@a', '@t', '@c', '@m', '@v', '@u' }
        for i = 3, #ARGV do ask[#ask + 1] = ARGV[i] end
        local got = redis.call('HMGET', key, unpack(ask))
        local now = tonumber(ARGV[1])
        local exp = tonumber(got[1])
        if exp == nil then
          if redis.call('EXISTS', key) == 0 then return nil end
          return { 0, redis.call('HGETALL', key) }
        end
        if exp <= now then return nil end
        if got[4] then return { 2 } end
        local fields = {}
        for i = 1, #ask do
          if got[i] then fields[#fields + 1] = ask[i]; fields[#fields + 1] = got[i] end
        end
        if ARGV[2] == '' then return { 0, fields } end
        local proposed = touch(now, exp, tonumber(got[2]), tonumber(got[3]), tonumber(ARGV[2]))
        if proposed == nil then return { 0, fields } end
        redis.call('HSET', key, '@e', fmt(proposed))
        redis.call('PEXPIRE', key, fmt(proposed - now))
        fields[2] = fmt(proposed)
        return { 1, fields }
        """;

    // KEYS[1] session; ARGV[1] now; ARGV[2] threshold. Returns 1 when the expiry moved (never for a tombstone).
    internal const string Touch = Common + """
        local key = KEYS[1]
        local now = tonumber(ARGV[1])
        local m = redis.call('HMGET', key, '@e', '@i', '@a', '@t')
        local exp = tonumber(m[1])
        if exp == nil or m[4] then return 0 end
        local proposed = touch(now, exp, tonumber(m[2]), tonumber(m[3]), tonumber(ARGV[2]))
        if proposed == nil then return 0 end
        redis.call('HSET', key, '@e', fmt(proposed))
        redis.call('PEXPIRE', key, fmt(proposed - now))
        return 1
        """;

    // KEYS[1] session; ARGV[1] now (the record's creation); ARGV[2] its expiry; ARGV[3..] field, value pairs.
    // Returns 0 when a live session or tombstone holds the key (nothing written), else 1.
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

    // KEYS[1] session; ARGV: the change set, data from ARGV[14]. Returns the outcome (nothing written unless 0).
    internal const string Save = Common + ChangeSet + """
        local key = KEYS[1]
        local now = tonumber(ARGV[1])
        local code, m = check(key, now, 14)
        if code ~= 0 then return code end
        if not fits(key, 14) then return 4 end
        apply(key, now, m, 14)
        return 0
        """;

    // A blind save (ISessionBlindWriter): KEYS[1] session; ARGV the change set with ARGV[14] the size limit, data from
    // ARGV[15]. The size is summed from HKEYS and HSTRLEN, so no stored value is copied: its cost grows with the number
    // of keys, not with their bytes. Returns { outcome } when the change set does not apply, { 4 } (nothing written) when the values would then
    // be too many (fits()) or total more than the limit (UTF-8 keys plus values, SessionRecord.PayloadSize), else { 0, expiry, absolute expiry
    // ('' none), idle ms ('' none), mode } after applying it.
    internal const string SaveBlind = Common + ChangeSet + """
        local key = KEYS[1]
        local now = tonumber(ARGV[1])
        local code, m = check(key, now, 15)
        if code ~= 0 then return { code } end
        if not fits(key, 15) then return { 4 } end
        local size = 0
        for _, f in ipairs(redis.call('HKEYS', key)) do
          if string.byte(f, 1) ~= 64 then size = size + #f - 2 + redis.call('HSTRLEN', key, f) end
        end
        local removed, sets = tonumber(ARGV[3]), tonumber(ARGV[4])
        for i = 15, 15 + removed - 1 do
          local old = redis.call('HSTRLEN', key, ARGV[i])
          if old > 0 then size = size - (#ARGV[i] - 2) - old end
        end
        for i = 15 + removed, 15 + removed + 2 * sets - 1, 2 do
          local old = redis.call('HSTRLEN', key, ARGV[i])
          if old > 0 then size = size - (#ARGV[i] - 2) - old end
          size = size + #ARGV[i] - 2 + #ARGV[i + 1]
        end
        if size > tonumber(ARGV[14]) then return { 4 } end
        local exp = apply(key, now, m, 15)
        return { 0, fmt(exp), m[3] or '', m[2] or '', redis.call('HGET', key, '@m') or '' }
        """;

    // KEYS[1] the session's key now, KEYS[2] its new key, KEYS[3] the index of the user the moved session is
    // bound to (present only when ARGV[17] is 1). ARGV: the change set, data from ARGV[19]; [14] the tombstone's end,
    // [15] the old store key, [16] the new store key, [17] 1 when the caller names the moved session's user in [18]
    // (0: unbound). Returns { outcome } (nothing written unless 0; 4 when the moved session would hold too many
    // keys), or { 5 } / { 5, user } (nothing written) when the
    // moved session would be bound to another user than the caller named: the caller retries with that user's index.
    // The old hash, as stored now, is renamed to the new key and the change set applied to it there; the old key
    // becomes a tombstone; in the user's index the old store key is replaced by the new one.
    internal const string Cycle = Common + ChangeSet + Tombstone + UserIndex + """
        local old, new = KEYS[1], KEYS[2]
        local now = tonumber(ARGV[1])
        local code, m = check(old, now, 19)
        if code ~= 0 then return { code } end
        local user = m[6]
        if ARGV[10] == '1' then user = ARGV[11] elseif ARGV[10] == '2' then user = false end
        local named = false
        if ARGV[17] == '1' then named = ARGV[18] end
        if user ~= named then
          if user then return { 5, user } end
          return { 5 }
        end
        if not fits(old, 19) then return { 4 } end
        redis.call('RENAME', old, new)
        apply(new, now, m, 19)
        bury(old, now, tonumber(ARGV[14]))
        if user then
          local cap = m[3]
          if ARGV[5] == '1' then cap = ARGV[7] end
          if not cap or cap == '' then cap = 'inf' end
          redis.call('ZREM', KEYS[3], ARGV[15])
          if redis.call('EXISTS', new) == 1 then index(KEYS[3], now, cap, ARGV[16]) end
        end
        return { 0 }
        """;

    // Redis Cluster cycles in steps, each on one key (the old key, the new key and the index are in different hash slots).
    // Step 1, KEYS[1] the session's key now; ARGV as for Cycle, then the fence's length in ms as the last argument.
    // Returns { outcome } when the change set does not apply (3 also while another cycle's fence holds the hash; 4 when
    // the moved session would hold too many keys), else
    // fences the hash for this cycle (@f, until now + the length; writes are refused meanwhile, see check()) and returns
    // { 0, flat field/value list of the hash as stored now, the fence included }.
    internal const string ClusterCycleRead = Common + ChangeSet + """
        local now = tonumber(ARGV[1])
        local code = check(KEYS[1], now, 19, ARGV[16])
        if code ~= 0 then return { code } end
        if not fits(KEYS[1], 19) then return { 4 } end
        redis.call('HSET', KEYS[1], '@f', fmt(now + tonumber(ARGV[#ARGV])) .. ':' .. ARGV[16])
        return { 0, redis.call('HGETALL', KEYS[1]) }
        """;

    // Step 2, KEYS[1] the new key; ARGV as for Cycle, then (after the expectations) the field/value pairs step 1 read.
    // Writes those fields under the new key and applies the change set there. Returns 0, or 3 when the new key is taken.
    internal const string ClusterCycleWrite = Common + ChangeSet + """
        local new = KEYS[1]
        if redis.call('EXISTS', new) == 1 then return 3 end
        local first = 19 + tonumber(ARGV[3]) + 2 * tonumber(ARGV[4]) + 3 * tonumber(ARGV[12])
        for i = first, #ARGV, 1000 do
          redis.call('HSET', new, unpack(ARGV, i, math.min(i + 999, #ARGV)))
        end
        local m = redis.call('HMGET', new, '@e', '@i', '@a', '@v', '@t', '@u')
        apply(new, tonumber(ARGV[1]), m, 19)
        return 0
        """;

    // Step 3, KEYS[1] the session's key now; ARGV[1] now; ARGV[2] the tombstone's end; ARGV[3] the version step 1 read.
    // Buries the old key only if no write reached it since step 1. Returns the outcome: 0 buried, 1 no live session,
    // 2 a tombstone, 3 written meanwhile (the caller removes the new key and starts again).
    internal const string ClusterCycleBury = Common + Tombstone + """
        local key = KEYS[1]
        local now = tonumber(ARGV[1])
        local m = redis.call('HMGET', key, '@e', '@t', '@v')
        local exp = tonumber(m[1])
        if exp == nil or exp <= now then return 1 end
        if m[2] then return 2 end
        if m[3] ~= ARGV[3] then return 3 end
        bury(key, now, tonumber(ARGV[2]))
        return 0
        """;

    // KEYS[1] session; ARGV[1] now; ARGV[2] the tombstone's end. Replaces a live session by a tombstone.
    // Returns the outcome: 0 ended, 1 no live session, 2 a tombstone already (left as it is).
    internal const string End = Common + Tombstone + """
        local key = KEYS[1]
        local now = tonumber(ARGV[1])
        local m = redis.call('HMGET', key, '@e', '@t')
        local exp = tonumber(m[1])
        if exp == nil or exp <= now then return 1 end
        if m[2] then return 2 end
        bury(key, now, tonumber(ARGV[2]))
        return 0
        """;

    // KEYS[1] session (or tombstone); ARGV[1] now. Deletes the key when its stored expiry has passed.
    internal const string DeleteIfExpired = """
        local exp = tonumber(redis.call('HGET', KEYS[1], '@e'))
        if exp ~= nil and exp <= tonumber(ARGV[1]) then return redis.call('DEL', KEYS[1]) end
        return 0
        """;

    // KEYS[1] the user's index; ARGV[1] now; ARGV[2] score ('inf' or ms); ARGV[3] the session's store key.
    internal const string Index = Common + UserIndex + """
        return index(KEYS[1], tonumber(ARGV[1]), ARGV[2], ARGV[3])
        """;

    // KEYS[1] session; ARGV[1] user key. Deletes the session when it is bound to that user (a tombstone has no user).
    internal const string Revoke = """
        if redis.call('HGET', KEYS[1], '@u') == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """;

    // KEYS[1] session. Returns nil when the key is gone, else { stored expiry ('' when unreadable), bytes of keys and
    // values, 1 for a tombstone else 0 }.
    internal const string Size = """
        local fields = redis.call('HGETALL', KEYS[1])
        if #fields == 0 then return nil end
        local exp, size, tomb = '', 0, 0
        for i = 1, #fields, 2 do
          local f = fields[i]
          if f == '@e' then exp = fields[i + 1]
          elseif f == '@t' then tomb = 1
          elseif string.sub(f, 1, 2) == 'v:' then size = size + #f - 2 + #fields[i + 1] end
        end
        return { exp, size, tomb }
        """;
}
