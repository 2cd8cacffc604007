using SfaMirror.Server.Protocol;

namespace SfaMirror.Server.Backplane.Redis;

/// <summary>
/// The Lua scripts behind every store operation. Each runs atomically in Redis and publishes the events
/// it causes on the session's channel from inside the script, so every node sees a session's events in
/// the order the operations took effect. Times come from Redis (<c>TIME</c>), so node clocks never
/// disagree. Results start with a <see cref="StoreStatus"/> number. The event layout is in
/// <see cref="RedisEvent"/> and docs/redis.md.
/// </summary>
internal static class RedisScripts
{
    /// <summary>
    /// The Lua names of the C# enums the scripts speak (<c>STATUS.NotFound</c>, <c>EVENT.PeerLeft</c>, ...),
    /// generated from the enums themselves, so a number can never mean one thing in Lua and another in C#.
    /// </summary>
    public static readonly string Constants =
        LuaTable<StoreStatus>("STATUS") + LuaTable<SessionEventKind>("EVENT") + LuaTable<MemberRole>("ROLE") +
        LuaTable<LeaveReason>("LEAVE") + LuaTable<EndReason>("END") + LuaTable<StateKind>("STATE") + LuaTable<HostControl>("CONTROL");

    private static readonly string Prelude = Constants + """
        local function now_ms()
          local t = redis.call('TIME')
          return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        end
        local function f(s)
          s = s or ''
          return struct.pack('>I4', #s) .. s
        end
        local function event(kind, role, reason, skind, members, target, rid, sa, pa, sb, pb, ex)
          return struct.pack('>BBBBBI4', 1, kind, role, reason, skind, members) .. f(target) .. f(rid) .. f(sa) .. f(pa) .. f(sb) .. f(pb) .. f(ex)
        end
        local function role_byte(r)
          if r == 'h' then return ROLE.Host end
          return ROLE.Viewer
        end
        local function node_of(mid)
          return string.match(mid, '^([^%-]+)%-') or ''
        end
        -- A waiting viewer's field in the session hash ('p:' .. member): its join's request id, then its user agent.
        local function pending_parts(v)
          local n = struct.unpack('>I4', v)
          return string.sub(v, 5, 4 + n), string.sub(v, 5 + n)
        end
        -- The Joined / JoinPending flags: 1 the host is verified, 2 the session is encrypted.
        local function flags_of(skey)
          local fl = redis.call('HMGET', skey, 'hv', 'e2e')
          local x = 0
          if fl[1] == '1' then x = x + 1 end
          if fl[2] == '1' then x = x + 2 end
          return tostring(x)
        end
        local function host_of(mkey)
          local all = redis.call('HGETALL', mkey)
          for i = 1, #all, 2 do
            if all[i + 1] == 'h' then return all[i] end
          end
          return false
        end
        -- Takes a waiting viewer out of its session; returns its field's value, or false when it was not waiting.
        local function unpend(skey, code, mid, pending_key, nm_prefix)
          local v = redis.call('HGET', skey, 'p:' .. mid)
          if not v then return false end
          redis.call('HDEL', skey, 'p:' .. mid)
          redis.call('HINCRBY', skey, 'np', -1)
          redis.call('ZREM', pending_key, code .. ' ' .. mid)
          redis.call('SREM', nm_prefix .. node_of(mid), code .. ' ' .. mid)
          return v
        end
        local function withdrawn(channel, skey, mkey, mid, reason, count)
          local host = host_of(mkey)
          if host then redis.call('PUBLISH', channel, event(EVENT.JoinWithdrawn, ROLE.Viewer, reason, 0, count, mid, '', host)) end
        end
        -- Every viewer still waiting in a session that is going away is told it timed out.
        local function deny_all_pending(skey, code, channel, pending_key, nm_prefix)
          for _, k in ipairs(redis.call('HKEYS', skey)) do
            if string.sub(k, 1, 2) == 'p:' then
              local mid = string.sub(k, 3)
              unpend(skey, code, mid, pending_key, nm_prefix)
              redis.call('PUBLISH', channel, event(EVENT.JoinDenied, ROLE.Viewer, LEAVE.Timeout, 0, 0, mid))
            end
          end
        end

        """;

    private static string LuaTable<T>(string name) where T : struct, Enum
    {
        var entries = Enum.GetValues<T>().Select(v => $"{v}={Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture)}");
        return $"local {name} = {{{string.Join(", ", entries)}}}\n";
    }


    /// <summary>KEYS: session, members, retired, sessions, activity, node members, empty.
    /// ARGV: code, member, token hash, max sessions, ttl ms, channel, request id, '1' if viewers are read-only,
    /// host subject or '', '1' if the host is verified, host sessions prefix, max sessions per host, session prefix,
    /// '1' if viewers wait for admission, '1' if the session is end-to-end encrypted.</summary>
    public static readonly string Create = Prelude + """
        if redis.call('EXISTS', KEYS[1]) == 1 or redis.call('EXISTS', KEYS[3]) == 1 then return STATUS.CodeTaken end
        if redis.call('ZCARD', KEYS[4]) >= tonumber(ARGV[4]) then return STATUS.Busy end
        local hk = false
        if ARGV[9] ~= '' then
          hk = ARGV[11] .. ARGV[9]
          -- A session that vanished by its safety expiry never said goodbye: its code no longer counts.
          for _, c in ipairs(redis.call('SMEMBERS', hk)) do
            if redis.call('EXISTS', ARGV[13] .. c) == 0 then redis.call('SREM', hk, c) end
          end
          if redis.call('SCARD', hk) >= tonumber(ARGV[12]) then return STATUS.HostLimit end
        end
        local now = now_ms()
        redis.call('DEL', KEYS[2])
        redis.call('HSET', KEYS[1], 'tok', ARGV[3], 'created', now, 'last', now, 'seq', 0)
        if ARGV[8] == '1' then redis.call('HSET', KEYS[1], 'ro', '1') end
        if ARGV[10] == '1' then redis.call('HSET', KEYS[1], 'hv', '1') end
        if ARGV[14] == '1' then redis.call('HSET', KEYS[1], 'adm', '1') end
        if ARGV[15] == '1' then redis.call('HSET', KEYS[1], 'e2e', '1') end
        if hk then
          redis.call('HSET', KEYS[1], 'sub', ARGV[9])
          redis.call('SADD', hk, ARGV[1])
        end
        redis.call('HSET', KEYS[2], ARGV[2], 'h')
        redis.call('PEXPIRE', KEYS[1], ARGV[5])
        redis.call('PEXPIRE', KEYS[2], ARGV[5])
        redis.call('ZADD', KEYS[4], now, ARGV[1])
        redis.call('ZADD', KEYS[5], now, ARGV[1])
        redis.call('ZREM', KEYS[7], ARGV[1])
        redis.call('SADD', KEYS[6], ARGV[1] .. ' ' .. ARGV[2])
        redis.call('PUBLISH', ARGV[6], event(EVENT.Created, ROLE.Host, 0, 0, 1, ARGV[2], ARGV[7]))
        return STATUS.Ok
        """;

    /// <summary>KEYS: session, members, empty, activity, joiner's node members, pending, join link (or '').
    /// ARGV: code, member, token hash or '', max members, ttl ms, channel, request id, node members prefix,
    /// '1' with a join key, '1' when a key is required, user agent.
    /// Returns {status, role, members, 1 if encrypted}. The rules in ISessionStore.JoinAsync's order, as the memory store's.</summary>
    public static readonly string Join = Prelude + """
        if redis.call('EXISTS', KEYS[1]) == 0 then return {STATUS.NotFound, 0, 0, 0} end
        local code, mid, rid = ARGV[1], ARGV[2], ARGV[7]
        -- Comparing hashes of a secret the client chose leaks nothing worth a constant-time compare.
        local resumes = ARGV[3] ~= '' and redis.call('HGET', KEYS[1], 'tok') == ARGV[3]
        local role = redis.call('HGET', KEYS[2], mid)
        local count = redis.call('HLEN', KEYS[2])
        local fl = redis.call('HMGET', KEYS[1], 'adm', 'e2e', 'lk', 'np')
        local enc = 0
        if fl[2] == '1' then enc = 1 end
        local ex = flags_of(KEYS[1])
        local np = tonumber(fl[4] or '0')
        local function joined(r, n)
          local st = redis.call('HMGET', KEYS[1], 'cs', 'c', 'ps', 'p')
          redis.call('PUBLISH', ARGV[6], event(EVENT.Joined, role_byte(r), 0, 0, n, mid, rid, st[1], st[2], st[3], st[4], ex))
        end
        local function request_again()
          for _, k in ipairs(redis.call('HKEYS', KEYS[1])) do
            if string.sub(k, 1, 2) == 'p:' then
              local _, ua = pending_parts(redis.call('HGET', KEYS[1], k))
              redis.call('PUBLISH', ARGV[6], event(EVENT.JoinRequested, ROLE.Viewer, 0, 0, count, string.sub(k, 3), '', mid, ua))
            end
          end
        end
        local function pending_reply()
          redis.call('PUBLISH', ARGV[6], event(EVENT.JoinPending, ROLE.Viewer, 0, 0, count, mid, rid, '', '', '', '', ex))
        end
        if role and not (resumes and role == 'v') then
          joined(role, count)
          if role == 'h' then request_again() end
          return {STATUS.Ok, role_byte(role), count, enc}
        end
        local waiting = redis.call('HEXISTS', KEYS[1], 'p:' .. mid) == 1
        if waiting and not resumes then
          pending_reply()
          return {STATUS.Pending, ROLE.Viewer, count, enc}
        end
        if not resumes then
          if redis.call('HEXISTS', KEYS[1], 'k:' .. mid) == 1 then return {STATUS.Kicked, 0, count, 0} end
          if ARGV[9] == '1' then
            local l = redis.call('HMGET', KEYS[7], 'c', 'u')
            if l[1] ~= code or tonumber(l[2] or '0') <= 0 then return {STATUS.JoinKeyInvalid, 0, count, 0} end
          elseif ARGV[10] == '1' then
            return {STATUS.JoinKeyRequired, 0, count, 0}
          end
          if fl[3] == '1' then return {STATUS.Locked, 0, count, 0} end
        elseif waiting then
          -- A waiting viewer presenting the resume token is the host coming back: it waits no longer.
          unpend(KEYS[1], code, mid, KEYS[6], ARGV[8])
          np = np - 1
        end
        local host = false
        if resumes then host = host_of(KEYS[2]) end
        if not role and not host and count + np >= tonumber(ARGV[4]) then return {STATUS.Full, 0, count, 0} end
        local function use_key()
          if ARGV[9] == '1' and redis.call('HINCRBY', KEYS[7], 'u', -1) <= 0 then redis.call('DEL', KEYS[7]) end
        end
        local now = now_ms()
        if not resumes and fl[1] == '1' then
          use_key()
          redis.call('HSET', KEYS[1], 'p:' .. mid, f(rid) .. ARGV[11], 'last', now)
          redis.call('HINCRBY', KEYS[1], 'np', 1)
          redis.call('ZADD', KEYS[6], now, code .. ' ' .. mid)
          redis.call('SADD', KEYS[5], code .. ' ' .. mid)
          redis.call('ZADD', KEYS[4], now, code)
          redis.call('PEXPIRE', KEYS[1], ARGV[5])
          pending_reply()
          local h = host_of(KEYS[2])
          if h then redis.call('PUBLISH', ARGV[6], event(EVENT.JoinRequested, ROLE.Viewer, 0, 0, count, mid, '', h, ARGV[11])) end
          return {STATUS.Pending, ROLE.Viewer, count, enc}
        end
        use_key()
        if role then
          redis.call('HDEL', KEYS[2], mid)
          count = count - 1
          redis.call('PUBLISH', ARGV[6], event(EVENT.PeerLeft, ROLE.Viewer, LEAVE.Left, 0, count, mid))
        end
        if host then
          redis.call('HDEL', KEYS[2], host)
          redis.call('SREM', ARGV[8] .. node_of(host), code .. ' ' .. host)
          count = count - 1
          redis.call('PUBLISH', ARGV[6], event(EVENT.HostResumed, ROLE.Host, 0, 0, count, host))
          redis.call('PUBLISH', ARGV[6], event(EVENT.PeerLeft, ROLE.Host, LEAVE.Disconnected, 0, count, mid))
        end
        local new_role = 'v'
        if resumes then new_role = 'h' end
        redis.call('HSET', KEYS[2], mid, new_role)
        count = count + 1
        redis.call('SADD', KEYS[5], code .. ' ' .. mid)
        redis.call('ZREM', KEYS[3], code)
        redis.call('HSET', KEYS[1], 'last', now)
        redis.call('ZADD', KEYS[4], now, code)
        redis.call('PEXPIRE', KEYS[1], ARGV[5])
        redis.call('PEXPIRE', KEYS[2], ARGV[5])
        joined(new_role, count)
        redis.call('PUBLISH', ARGV[6], event(EVENT.PeerJoined, role_byte(new_role), 0, 0, count, mid))
        if new_role == 'h' then request_again() end
        return {STATUS.Ok, role_byte(new_role), count, enc}
        """;

    /// <summary>KEYS: session, members, pending, activity, empty. ARGV: code, host, control, target, channel, node members prefix.
    /// Returns a status. The same rules as the memory store's Control.</summary>
    public static readonly string Control = Prelude + """
        local code, host, t = ARGV[1], ARGV[2], ARGV[4]
        local role = redis.call('HGET', KEYS[2], host)
        if not role or redis.call('EXISTS', KEYS[1]) == 0 then return STATUS.NotMember end
        if role ~= 'h' then return STATUS.NotHost end
        local now = now_ms()
        redis.call('HSET', KEYS[1], 'last', now)
        redis.call('ZADD', KEYS[4], now, code)
        local c = tonumber(ARGV[3])
        if c == CONTROL.Lock then redis.call('HSET', KEYS[1], 'lk', '1') return STATUS.Ok end
        if c == CONTROL.Unlock then redis.call('HDEL', KEYS[1], 'lk') return STATUS.Ok end
        if t == host then return STATUS.NotAllowed end
        local count = redis.call('HLEN', KEYS[2])
        local v = redis.call('HGET', KEYS[1], 'p:' .. t)
        if v then
          if c == CONTROL.Admit then
            local rid = pending_parts(v)
            redis.call('HDEL', KEYS[1], 'p:' .. t)
            redis.call('HINCRBY', KEYS[1], 'np', -1)
            redis.call('ZREM', KEYS[3], code .. ' ' .. t)
            redis.call('HSET', KEYS[2], t, 'v')
            redis.call('ZREM', KEYS[5], code)
            count = count + 1
            local st = redis.call('HMGET', KEYS[1], 'cs', 'c', 'ps', 'p')
            redis.call('PUBLISH', ARGV[5], event(EVENT.Joined, ROLE.Viewer, 0, 0, count, t, rid, st[1], st[2], st[3], st[4], flags_of(KEYS[1])))
            redis.call('PUBLISH', ARGV[5], event(EVENT.PeerJoined, ROLE.Viewer, 0, 0, count, t))
          else
            unpend(KEYS[1], code, t, KEYS[3], ARGV[6])
            redis.call('HSET', KEYS[1], 'k:' .. t, '1')
            redis.call('PUBLISH', ARGV[5], event(EVENT.JoinDenied, ROLE.Viewer, LEAVE.Kicked, 0, count, t))
          end
          return STATUS.Ok
        end
        if c ~= CONTROL.Kick then return STATUS.MemberNotFound end
        local tr = redis.call('HGET', KEYS[2], t)
        if not tr then return STATUS.MemberNotFound end
        redis.call('HDEL', KEYS[2], t)
        redis.call('SREM', ARGV[6] .. node_of(t), code .. ' ' .. t)
        redis.call('HSET', KEYS[1], 'k:' .. t, '1')
        redis.call('PUBLISH', ARGV[5], event(EVENT.Kicked, role_byte(tr), LEAVE.Kicked, 0, count - 1, t))
        return STATUS.Ok
        """;

    /// <summary>KEYS: session, members, activity. ARGV: code, from, to, data, channel. Returns a status.
    /// Who may signal whom is the memory store's SignalStatus rule.</summary>
    public static readonly string Signal = Prelude + """
        if redis.call('EXISTS', KEYS[1]) == 0 then return STATUS.NotMember end
        local from, to = ARGV[2], ARGV[3]
        local fr = redis.call('HGET', KEYS[2], from)
        local fp = not fr and redis.call('HEXISTS', KEYS[1], 'p:' .. from) == 1
        if not fr and not fp then return STATUS.NotMember end
        if from == to then return STATUS.NotAllowed end
        local tr = redis.call('HGET', KEYS[2], to)
        local tp = not tr and redis.call('HEXISTS', KEYS[1], 'p:' .. to) == 1
        local ok
        if fp then ok = tr == 'h' else ok = (tr and true) or (tp and fr == 'h') end
        if not ok then return STATUS.MemberNotFound end
        local now = now_ms()
        redis.call('HSET', KEYS[1], 'last', now)
        redis.call('ZADD', KEYS[3], now, ARGV[1])
        redis.call('PUBLISH', ARGV[5], event(EVENT.Signal, 0, 0, 0, redis.call('HLEN', KEYS[2]), from, '', to, ARGV[4]))
        return STATUS.Ok
        """;

    /// <summary>KEYS: session, members, join link. ARGV: host, code, uses, ttl ms. Returns a status.</summary>
    public static readonly string CreateJoinLink = Prelude + """
        local role = redis.call('HGET', KEYS[2], ARGV[1])
        if not role or redis.call('EXISTS', KEYS[1]) == 0 then return STATUS.NotMember end
        if role ~= 'h' then return STATUS.NotHost end
        redis.call('HSET', KEYS[3], 'c', ARGV[2], 'u', ARGV[3])
        redis.call('PEXPIRE', KEYS[3], ARGV[4])
        return STATUS.Ok
        """;

    /// <summary>KEYS: join link. Returns its session code while it has uses left, else ''.</summary>
    public const string FindJoinLink = """
        local l = redis.call('HMGET', KEYS[1], 'c', 'u')
        if l[1] and tonumber(l[2] or '0') > 0 then return l[1] end
        return ''
        """;

    /// <summary>KEYS: members, empty, node members, session, pending. ARGV: code, member, reason, channel, node members prefix.
    /// Returns {was member, role, members left}. A waiting viewer that leaves is withdrawn (the host is told).</summary>
    public static readonly string Leave = Prelude + """
        local role = redis.call('HGET', KEYS[1], ARGV[2])
        if not role then
          if unpend(KEYS[4], ARGV[1], ARGV[2], KEYS[5], ARGV[5]) then
            withdrawn(ARGV[4], KEYS[4], KEYS[1], ARGV[2], tonumber(ARGV[3]), redis.call('HLEN', KEYS[1]))
          end
          return {0, 0, 0}
        end
        redis.call('HDEL', KEYS[1], ARGV[2])
        redis.call('SREM', KEYS[3], ARGV[1] .. ' ' .. ARGV[2])
        local count = redis.call('HLEN', KEYS[1])
        if count == 0 then
          redis.call('ZADD', KEYS[2], now_ms(), ARGV[1])
        else
          redis.call('PUBLISH', ARGV[4], event(EVENT.PeerLeft, role_byte(role), tonumber(ARGV[3]), 0, count, ARGV[2]))
        end
        return {1, role_byte(role), count}
        """;

    /// <summary>KEYS: session, members, activity. ARGV: code, member, state kind, payload, ttl ms, channel, '1' when the update clears the state,
    /// '1' when this relay denies every viewer's update. Returns {status, delivered, seq}.</summary>
    public static readonly string Update = Prelude + """
        local role = redis.call('HGET', KEYS[2], ARGV[2])
        if not role or redis.call('EXISTS', KEYS[1]) == 0 then return {STATUS.NotMember, 0, 0} end
        -- SessionAccess.MayUpdate, on the same two inputs: the session's read-only flag and the relay's setting.
        if role == 'v' and (ARGV[8] == '1' or redis.call('HGET', KEYS[1], 'ro') == '1') then return {STATUS.NotAllowed, 0, 0} end
        local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
        local now = now_ms()
        local pf, sf = 'c', 'cs'
        if tonumber(ARGV[3]) == STATE.Product then pf, sf = 'p', 'ps' end
        if ARGV[7] == '1' then
          -- The update clears the state (StoredState.Clears): relayed with its seq, but gone for a late joiner.
          redis.call('HDEL', KEYS[1], pf, sf)
          redis.call('HSET', KEYS[1], 'last', now)
        else
          redis.call('HSET', KEYS[1], pf, ARGV[4], sf, seq, 'last', now)
        end
        redis.call('ZADD', KEYS[3], now, ARGV[1])
        redis.call('PEXPIRE', KEYS[1], ARGV[5])
        redis.call('PEXPIRE', KEYS[2], ARGV[5])
        local count = redis.call('HLEN', KEYS[2])
        redis.call('PUBLISH', ARGV[6], event(EVENT.State, 0, 0, tonumber(ARGV[3]), count, ARGV[2], '', tostring(seq), ARGV[4]))
        return {STATUS.Ok, count - 1, seq}
        """;

    /// <summary>KEYS: session, members, activity. ARGV: code, member, kind, ttl ms.
    /// Returns {status, seq or '', payload}.</summary>
    public static readonly string Read = Prelude + """
        if redis.call('HEXISTS', KEYS[2], ARGV[2]) == 0 or redis.call('EXISTS', KEYS[1]) == 0 then return {STATUS.NotMember, '', ''} end
        local now = now_ms()
        redis.call('HSET', KEYS[1], 'last', now)
        redis.call('ZADD', KEYS[3], now, ARGV[1])
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        redis.call('PEXPIRE', KEYS[2], ARGV[4])
        local pf, sf = 'c', 'cs'
        if tonumber(ARGV[3]) == STATE.Product then pf, sf = 'p', 'ps' end
        local st = redis.call('HMGET', KEYS[1], sf, pf)
        return {STATUS.Ok, st[1] or '', st[2] or ''}
        """;

    /// <summary>KEYS: session, members, retired, sessions, empty, activity, pending.
    /// ARGV: code, member, channel, retire ms, request id, node members prefix, host sessions prefix.
    /// Waiting viewers are told by the Ended event, as members are (their node holds them).</summary>
    public static readonly string End = Prelude + """
        local role = redis.call('HGET', KEYS[2], ARGV[2])
        if not role or redis.call('EXISTS', KEYS[1]) == 0 then return STATUS.NotMember end
        if role ~= 'h' then return STATUS.NotHost end
        for _, m in ipairs(redis.call('HKEYS', KEYS[2])) do
          redis.call('SREM', ARGV[6] .. node_of(m), ARGV[1] .. ' ' .. m)
        end
        for _, k in ipairs(redis.call('HKEYS', KEYS[1])) do
          if string.sub(k, 1, 2) == 'p:' then unpend(KEYS[1], ARGV[1], string.sub(k, 3), KEYS[7], ARGV[6]) end
        end
        local sub = redis.call('HGET', KEYS[1], 'sub')
        if sub then redis.call('SREM', ARGV[7] .. sub, ARGV[1]) end
        redis.call('DEL', KEYS[1], KEYS[2])
        redis.call('ZREM', KEYS[4], ARGV[1])
        redis.call('ZREM', KEYS[5], ARGV[1])
        redis.call('ZREM', KEYS[6], ARGV[1])
        if tonumber(ARGV[4]) > 0 then redis.call('SET', KEYS[3], '1', 'PX', ARGV[4]) end
        redis.call('PUBLISH', ARGV[3], event(EVENT.Ended, 0, END.EndedByHost, 0, 0, ARGV[2], ARGV[5]))
        return STATUS.Ok
        """;

    /// <summary>
    /// KEYS: nodes, empty, activity, sessions, pending. ARGV: session, members, retired, channel, node members and
    /// lease prefixes, grace ms, idle ms, retire ms, batch limit, host sessions prefix, admission timeout ms.
    /// Returns {dead nodes, deleted, expired}.
    /// The script is atomic, so each dead node, empty session and idle session is claimed by one node only.
    /// </summary>
    public static readonly string Sweep = Prelude + """
        local now = now_ms()
        local dead, deleted, expired = {}, {}, {}
        for _, node in ipairs(redis.call('SMEMBERS', KEYS[1])) do
          if redis.call('EXISTS', ARGV[6] .. node) == 0 then
            redis.call('SREM', KEYS[1], node)
            local set = ARGV[5] .. node
            for _, pair in ipairs(redis.call('SMEMBERS', set)) do
              local code, mid = string.match(pair, '^(%S+) (%S+)$')
              if code then
                local mkey = ARGV[2] .. code
                local role = redis.call('HGET', mkey, mid)
                if not role and unpend(ARGV[1] .. code, code, mid, KEYS[5], ARGV[5]) then
                  withdrawn(ARGV[4] .. code, ARGV[1] .. code, mkey, mid, LEAVE.Disconnected, redis.call('HLEN', mkey))
                end
                if role then
                  redis.call('HDEL', mkey, mid)
                  local count = redis.call('HLEN', mkey)
                  if count == 0 then
                    redis.call('ZADD', KEYS[2], now, code)
                  else
                    redis.call('PUBLISH', ARGV[4] .. code, event(EVENT.PeerLeft, role_byte(role), LEAVE.Disconnected, 0, count, mid))
                  end
                end
              end
            end
            redis.call('DEL', set)
            table.insert(dead, node)
          end
        end
        for _, pair in ipairs(redis.call('ZRANGEBYSCORE', KEYS[5], '-inf', now - tonumber(ARGV[12]), 'LIMIT', 0, tonumber(ARGV[10]))) do
          redis.call('ZREM', KEYS[5], pair)
          local code, mid = string.match(pair, '^(%S+) (%S+)$')
          if code and unpend(ARGV[1] .. code, code, mid, KEYS[5], ARGV[5]) then
            local n = redis.call('HLEN', ARGV[2] .. code)
            redis.call('PUBLISH', ARGV[4] .. code, event(EVENT.JoinDenied, ROLE.Viewer, LEAVE.Timeout, 0, n, mid))
            withdrawn(ARGV[4] .. code, ARGV[1] .. code, ARGV[2] .. code, mid, LEAVE.Timeout, n)
          end
        end
        local function remove(code)
          deny_all_pending(ARGV[1] .. code, code, ARGV[4] .. code, KEYS[5], ARGV[5])
          local mkey = ARGV[2] .. code
          for _, m in ipairs(redis.call('HKEYS', mkey)) do
            redis.call('SREM', ARGV[5] .. node_of(m), code .. ' ' .. m)
          end
          local sub = redis.call('HGET', ARGV[1] .. code, 'sub')
          if sub then redis.call('SREM', ARGV[11] .. sub, code) end
          redis.call('DEL', ARGV[1] .. code, mkey)
          redis.call('ZREM', KEYS[2], code)
          redis.call('ZREM', KEYS[3], code)
          redis.call('ZREM', KEYS[4], code)
          if tonumber(ARGV[9]) > 0 then redis.call('SET', ARGV[3] .. code, '1', 'PX', ARGV[9]) end
        end
        local limit = tonumber(ARGV[10])
        for _, code in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now - tonumber(ARGV[7]), 'LIMIT', 0, limit)) do
          if redis.call('HLEN', ARGV[2] .. code) == 0 then
            remove(code)
            table.insert(deleted, code)
          else
            redis.call('ZREM', KEYS[2], code)
          end
        end
        for _, code in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now - tonumber(ARGV[8]), 'LIMIT', 0, limit)) do
          remove(code)
          redis.call('PUBLISH', ARGV[4] .. code, event(EVENT.Ended, 0, END.Expired, 0, 0, ''))
          table.insert(expired, code)
        end
        return {dead, deleted, expired}
        """;

    /// <summary>KEYS: lease, nodes. ARGV: node id, lease ms. Returns 1 when the lease was still held.</summary>
    public const string RenewLease = """
        local held = redis.call('EXISTS', KEYS[1])
        redis.call('SET', KEYS[1], '1', 'PX', ARGV[2])
        redis.call('SADD', KEYS[2], ARGV[1])
        return held
        """;

    /// <summary>KEYS: sessions, nodes. ARGV: node members prefix. Returns {sessions, members}.</summary>
    public const string Stats = """
        local members = 0
        for _, node in ipairs(redis.call('SMEMBERS', KEYS[2])) do
          members = members + redis.call('SCARD', ARGV[1] .. node)
        end
        return {redis.call('ZCARD', KEYS[1]), members}
        """;

    /// <summary>KEYS: sessions. ARGV: max, session prefix, members prefix.
    /// Returns {code, hosts, viewers, created ms, last ms, seq, host subject or '', waiting, read-only, admission, locked, e2e}
    /// per session, the flags as '1' or false.</summary>
    public const string List = """
        local out = {}
        for _, code in ipairs(redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)) do
          local h = redis.call('HMGET', ARGV[2] .. code, 'created', 'last', 'seq', 'sub', 'np', 'ro', 'adm', 'lk', 'e2e')
          if h[1] then
            local hosts, viewers = 0, 0
            for _, r in ipairs(redis.call('HVALS', ARGV[3] .. code)) do
              if r == 'h' then hosts = hosts + 1 else viewers = viewers + 1 end
            end
            table.insert(out, {code, hosts, viewers, h[1], h[2], h[3], h[4] or '', h[5] or '0', h[6] or '', h[7] or '', h[8] or '', h[9] or ''})
          end
        end
        return out
        """;

    /// <summary>
    /// An address's failed-join budgets (<see cref="RedisJoinGuard"/>): a sorted set of its reserved failures,
    /// score = Redis time in ms, so both windows slide exactly and every node counts the same.
    /// KEYS: the address's failures. ARGV: per-minute budget, per-hour budget, reservation id.
    /// Returns {granted 0/1, refused by (0 none, 1 minute, 2 hour), failures in the last minute, in the last hour}.
    /// </summary>
    public static readonly string ReserveJoin = Prelude + """
        local now = now_ms()
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - 3600000)
        local hour = redis.call('ZCARD', KEYS[1])
        local minute = redis.call('ZCOUNT', KEYS[1], '(' .. (now - 60000), '+inf')
        if minute >= tonumber(ARGV[1]) then return {0, 1, minute, hour} end
        if hour >= tonumber(ARGV[2]) then return {0, 2, minute, hour} end
        redis.call('ZADD', KEYS[1], now, ARGV[3])
        redis.call('PEXPIRE', KEYS[1], 3600000)
        return {1, 0, minute + 1, hour + 1}
        """;

    /// <summary>KEYS: the address's failures. ARGV: reservation id. A join that succeeded gives its reservation back.</summary>
    public const string ReleaseJoin = """
        return redis.call('ZREM', KEYS[1], ARGV[1])
        """;
}
