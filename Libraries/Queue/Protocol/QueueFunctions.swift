import Foundation

/// The queue's state machine, as one Redis function library (Redis ≥ 7): every transition of
/// a job is one atomic call, so a worker killed at any point leaves each job in exactly one
/// state, and a producer in any language uses the queue with plain `FCALL`s (docs/QUEUE.md
/// lists every key and argument). Workers load it at start (`FUNCTION LOAD REPLACE`); Redis
/// keeps it in its AOF/RDB, so it survives a restart.
///
/// Every function takes one key, the queue's base (`<prefix>:queue:<name>`), and derives the
/// others from it. Times are Unix milliseconds passed in by the caller, so a script never
/// reads a clock and replicas replay it identically.
enum QueueFunctions {
    /// Bumped whenever a function's arguments or a key's layout change.
    static let version = 2

    /// Times a job may be deferred ("not now") before a deferral counts as a failed attempt.
    static let maxDefers = 1000

    static let library = #"""
    #!lua name=pcs_queue

    local LANES = {'high', 'normal', 'low'}
    -- Numbers every script passes to Redis, as strings: Redis formats a Lua number argument
    -- with sprintf, which on the hot path (several per job) costs as much as a command.
    local EVENTS_KEPT = '10000'
    local DEAD_KEPT = '10000'
    local RESULT_IN_EVENT = 65536
    local MAX_DEFERS = @MAX_DEFERS@

    local function event(base, name, id, ...)
      return redis.call('XADD', base .. ':events', 'MAXLEN', '~', EVENTS_KEPT, '*', 'event', name, 'job_id', id, ...)
    end

    -- Wakes up to `n` idle workers (one each: they BLPOP the marker list), keeping at most 64
    -- wake-ups pending.
    local function wake(base, n)
      local marker = base .. ':marker'
      local room = math.min(n or 1, 64 - redis.call('LLEN', marker))
      if room <= 0 then return end
      local ones = {}
      for i = 1, room do ones[i] = '1' end
      redis.call('LPUSH', marker, unpack(ones))
    end

    local function laneOf(priority)
      if priority == nil or priority == '' or priority == 'normal' then return 'normal' end
      if priority == 'high' or priority == 'low' then return priority end
      local n = tonumber(priority)
      if n == nil then return nil end
      if n > 0 then return 'high' elseif n < 0 then return 'low' end
      return 'normal'
    end

    -- The lowest virtual time in a rotation: a newcomer starts there, level with the least
    -- served, instead of at 0 with a backlog of credit.
    local function floorOf(rotation)
      local top = redis.call('ZRANGE', rotation, 0, 0, 'WITHSCORES')
      if top[2] then return tonumber(top[2]) end
      return 0
    end

    local function activate(base, lane, owner, group)
      local groups = base .. ':groups:' .. lane .. ':' .. owner
      if not redis.call('ZSCORE', groups, group) then
        redis.call('ZADD', groups, floorOf(groups), group)
      end
      local owners = base .. ':owners:' .. lane
      if not redis.call('ZSCORE', owners, owner) then
        redis.call('ZADD', owners, floorOf(owners), owner)
      end
    end

    local function saturated(base, group)
      local g = redis.call('HMGET', base .. ':group:' .. group, 'active', 'limit')
      local limit = tonumber(g[2]) or 0
      return limit > 0 and (tonumber(g[1]) or 0) >= limit
    end

    -- Puts a job in its group's wait list of its lane (at the front for a job that was
    -- already running, so it does not queue again behind its whole run) and makes the group
    -- eligible, unless the group is at its concurrency limit: then it is parked until a job
    -- of it ends.
    --
    -- `waiting` tallies the lanes' new waiting counts for the caller to `addWaiting` in one
    -- write per lane. A list that held jobs before this one means its group was already
    -- eligible or parked, so only a group's first waiting job pays for the checks.
    local function ready(base, id, front, waiting, lane, owner, group, quiet)
      if lane then
        -- A new job: its hash already says `waiting`.
      else
        local f = redis.call('HMGET', base .. ':job:' .. id, 'lane', 'owner', 'group')
        lane, owner, group = f[1], f[2], f[3]
        redis.call('HSET', base .. ':job:' .. id, 'state', 'waiting')
      end
      local list = base .. ':wait:' .. lane .. ':' .. group
      local length
      if front then length = redis.call('LPUSH', list, id) else length = redis.call('RPUSH', list, id) end
      waiting[lane] = (waiting[lane] or 0) + 1
      if length > 1 then
        -- Already eligible or parked.
      elseif saturated(base, group) then
        redis.call('SADD', base .. ':parked:' .. group, lane)
      else
        activate(base, lane, owner, group)
      end
      if not quiet then wake(base) end
    end

    -- Adds what `ready` and `nextJob` tallied to the lanes' waiting counts.
    local function addWaiting(base, waiting)
      for lane, n in pairs(waiting) do
        if n ~= 0 then redis.call('HINCRBY', base .. ':waiting', lane, tostring(n)) end
      end
    end

    local function forget(base, id, group, retention)
      redis.call('EXPIRE', base .. ':job:' .. id, retention)
      local members = base .. ':group:' .. group .. ':jobs'
      redis.call('SREM', members, id)
      if redis.call('SCARD', members) == 0 then
        redis.call('DEL', base .. ':group:' .. group, base .. ':parked:' .. group)
      end
    end

    -- A job of the group stopped running: one slot of its concurrency is free again. Only a
    -- job with a `limit` counted against its group when it was claimed.
    local function release(base, group, limit)
      if (tonumber(limit) or 0) <= 0 then return end
      local key = base .. ':group:' .. group
      local active = redis.call('HINCRBY', key, 'active', '-1')
      if active < 0 then redis.call('HSET', key, 'active', 0) end
      if saturated(base, group) then return end
      local parked = base .. ':parked:' .. group
      local lanes = redis.call('SMEMBERS', parked)
      if #lanes == 0 then return end
      local owner = redis.call('HGET', key, 'owner')
      for _, lane in ipairs(lanes) do
        if redis.call('LLEN', base .. ':wait:' .. lane .. ':' .. group) > 0 then activate(base, lane, owner, group) end
      end
      redis.call('DEL', parked)
      wake(base)
    end

    -- Lets go of a job `token` still holds: takes it off the active set and frees its group's
    -- slot. Returns the job's token, state, group, limit and then the fields named in `...`, or
    -- nil when the lease was lost (reclaimed, or the job ended: its state guards a token left
    -- behind).
    local function letGo(base, id, token, ...)
      local f = redis.call('HMGET', base .. ':job:' .. id, 'token', 'state', 'group', 'limit', ...)
      if f[1] ~= token or f[2] ~= 'active' then return nil end
      redis.call('ZREM', base .. ':active', id)
      release(base, f[3], f[4])
      return f
    end

    local function park(base, group, owner)
      for _, lane in ipairs(LANES) do
        local groups = base .. ':groups:' .. lane .. ':' .. owner
        if redis.call('ZREM', groups, group) == 1 then
          redis.call('SADD', base .. ':parked:' .. group, lane)
          if redis.call('ZCARD', groups) == 0 then redis.call('ZREM', base .. ':owners:' .. lane, owner) end
        end
      end
    end

    local function appendError(base, id, attempt, message, now)
      local key = base .. ':job:' .. id
      local history = cjson.decode(redis.call('HGET', key, 'errors') or '[]')
      table.insert(history, {attempt = tonumber(attempt) or 0, error = message, at = tonumber(now)})
      while #history > 20 do table.remove(history, 1) end
      redis.call('HSET', key, 'errors', cjson.encode(history), 'error', message)
    end

    -- Counts jobs that ended, per final state: in all (`:stats`) and per minute, for
    -- throughput (`pcsq_stats` reads and prunes those).
    local function countEnded(base, now, ended)
      local minute = math.floor(tonumber(now) / 60000) .. ':'
      for state, n in pairs(ended) do
        redis.call('HINCRBY', base .. ':stats', state, tostring(n))
        redis.call('HINCRBY', base .. ':rate', minute .. state, tostring(n))
      end
    end

    -- Records a job's final state; `ended` tallies it for `countEnded`, or it is counted now.
    local function settle(base, id, state, now, retention, group, ended, ...)
      local key = base .. ':job:' .. id
      redis.call('HSET', key, 'state', state, 'finished_at', now, ...)
      forget(base, id, group or redis.call('HGET', key, 'group'), retention)
      if ended then ended[state] = (ended[state] or 0) + 1 else countEnded(base, now, {[state] = 1}) end
    end

    local function finish(base, id, state, now, retention, group, ...)
      settle(base, id, state, now, retention, group, nil, ...)
    end

    -- Completes a job `token` still holds; returns 'ok', or 'lost' when it no longer did.
    local function completeOne(base, now, id, token, result, retention, ended)
      local held = letGo(base, id, token)
      if not held then return 'lost' end
      settle(base, id, 'completed', now, retention, held[3], ended, 'result', result)
      if #result <= RESULT_IN_EVENT then event(base, 'completed', id, 'result', result) else event(base, 'completed', id) end
      return 'ok'
    end

    local function bury(base, id, reason, now, retention)
      local key = base .. ':job:' .. id
      local j = redis.call('HMGET', key, 'type', 'payload', 'owner', 'group', 'attempt', 'errors', 'traceparent')
      redis.call('HSET', key, 'error', reason)
      local fields = {'id', id, 'type', j[1] or '', 'payload', j[2] or '', 'owner', j[3] or '', 'group', j[4] or '',
                      'attempt', j[5] or '1', 'error', reason, 'errors', j[6] or '[]', 'failed_at', now}
      if j[7] then table.insert(fields, 'traceparent'); table.insert(fields, j[7]) end
      redis.call('XADD', base .. ':dead', 'MAXLEN', '~', DEAD_KEPT, '*', unpack(fields))
      finish(base, id, 'dead', now, retention)
      event(base, 'dead', id, 'error', reason)
    end

    local function cancelled(base, id, now, retention, reason)
      finish(base, id, 'cancelled', now, retention)
      event(base, 'cancelled', id, 'reason', reason)
    end

    local function config(base, name, fallback)
      return tonumber(redis.call('HGET', base .. ':config', name)) or fallback
    end

    -- A field that must be a number: the caller's own text when it is one (so Redis does not
    -- format a Lua number back), else the fallback.
    local function numeric(value, fallback)
      if value and tonumber(value) then return value end
      return fallback
    end

    -- Validates and stores one job. `fields` is a flat field/value list. Returns the outcome
    -- ('added', 'delayed', 'duplicate') or raises the reason a job is refused. `groups`
    -- remembers the groups' owner and limit across the jobs of one call (a run's jobs share
    -- one group), `waiting` tallies for `addWaiting`.
    local function add(base, now, fields, waiting, groups, limit)
      local job = {}
      for i = 1, #fields, 2 do job[fields[i]] = fields[i + 1] end
      if not job.type or job.type == '' then return nil, 'missing field "type"' end
      if not job.payload then return nil, 'missing field "payload"' end
      limit = limit or config(base, 'max_payload_bytes', 1048576)
      if #job.payload > limit then
        return nil, 'payload of ' .. #job.payload .. ' bytes is over the limit of ' .. limit .. ' bytes (max_payload_bytes)'
      end
      local lane = laneOf(job.priority)
      if not lane then return nil, 'field "priority" must be high, normal, low or an integer' end
      local id = job.id
      local key = base .. ':job:' .. id
      if redis.call('EXISTS', key) == 1 then return 'duplicate', redis.call('HGET', key, 'state') end
      local owner = job.owner or ''
      if owner == '' then owner = '-' end
      local group = job.group or ''
      if group == '' then group = 'owner:' .. owner end
      local attempts = numeric(job.max_attempts or job.attempts, '3')
      if tonumber(attempts) < 1 then attempts = '1' end
      local due = tonumber(job.not_before or '0') or 0
      local delay = tonumber(job.delay or '0') or 0
      if delay > 0 then due = math.max(due, tonumber(now) + delay) end
      -- The group's concurrency: a job that names one sets it; one that does not runs under
      -- the group's. A job counts against its group's running jobs only if its `limit` is set.
      local groupKey = base .. ':group:' .. group
      local g = groups[group]
      if not g then
        g = redis.call('HMGET', groupKey, 'owner', 'limit')
        groups[group] = g
      end
      if not g[1] then
        redis.call('HSET', groupKey, 'owner', owner)
        g[1] = owner
      end
      local concurrency = numeric(job.group_concurrency, nil)
      if concurrency then
        if g[2] ~= concurrency then
          redis.call('HSET', groupKey, 'limit', concurrency)
          g[2] = concurrency
        end
      else
        concurrency = g[2] or '0'
      end
      local record = {'id', id, 'type', job.type, 'payload', job.payload, 'owner', owner, 'group', group,
                      'lane', lane, 'attempt', numeric(job.attempt, '1'), 'max_attempts', attempts, 'stalls', '0',
                      'backoff', job.backoff or 'exponential', 'backoff_delay', numeric(job.backoff_delay, '1000'),
                      'backoff_jitter', numeric(job.backoff_jitter, '0.5'),
                      'enqueued_at', numeric(job.enqueued_at, now), 'state', 'waiting', 'limit', concurrency}
      if job.traceparent then table.insert(record, 'traceparent'); table.insert(record, job.traceparent) end
      redis.call('HSET', key, unpack(record))
      redis.call('SADD', groupKey .. ':jobs', id)
      if due > tonumber(now) then
        redis.call('HSET', key, 'state', 'delayed', 'not_before', due)
        redis.call('ZADD', base .. ':delayed', due, id)
        return 'delayed', event(base, 'added', id, 'state', 'delayed')
      end
      ready(base, id, false, waiting, lane, owner, group, true)
      return 'added', event(base, 'added', id, 'state', 'waiting')
    end

    -- Entries XADDed by hand to the intake stream join the queue here; one that is not a
    -- job is dead-lettered with the reason, never dropped silently.
    local function drainIntake(base, now, waiting)
      local intake = base .. ':intake'
      local entries = redis.call('XRANGE', intake, '-', '+', 'COUNT', '200')
      local groups = {}
      for _, entry in ipairs(entries) do
        local fields = entry[2]
        local id
        for i = 1, #fields, 2 do if fields[i] == 'id' then id = fields[i + 1] end end
        if not id or id == '' then
          id = entry[1]
          table.insert(fields, 'id'); table.insert(fields, id)
        end
        local outcome, reason = add(base, now, fields, waiting, groups)
        if not outcome then
          local fallback = {}
          for i = 1, #fields, 2 do
            local value = fields[i + 1]
            if #value > 4096 then value = string.sub(value, 1, 4096) end
            table.insert(fallback, fields[i]); table.insert(fallback, value)
          end
          table.insert(fallback, 'error'); table.insert(fallback, 'refused at intake: ' .. reason)
          table.insert(fallback, 'failed_at'); table.insert(fallback, now)
          redis.call('XADD', base .. ':dead', 'MAXLEN', '~', DEAD_KEPT, '*', unpack(fallback))
          redis.call('HINCRBY', base .. ':stats', 'dead', 1)
          event(base, 'dead', id, 'error', 'refused at intake: ' .. reason)
        end
        redis.call('XDEL', intake, entry[1])
      end
      if #entries > 0 then wake(base, #entries) end
    end

    local function promoteDue(base, now, waiting)
      local due = redis.call('ZRANGEBYSCORE', base .. ':delayed', '-inf', now, 'LIMIT', 0, 200)
      for _, id in ipairs(due) do
        redis.call('ZREM', base .. ':delayed', id)
        local key = base .. ':job:' .. id
        if redis.call('HGET', key, 'state') == 'failed' then
          event(base, 'retrying', id, 'attempt', redis.call('HGET', key, 'attempt'))
        end
        redis.call('HDEL', key, 'not_before')
        ready(base, id, false, waiting)
      end
    end

    -- Jobs whose lease ran out: their worker died or lost Redis. Each goes back to the front
    -- of its group, or to the dead letters once it has stalled more than `max_stalls` times.
    local function reclaimExpired(base, now, maxStalls, retention, waiting)
      local expired = redis.call('ZRANGEBYSCORE', base .. ':active', '-inf', now, 'LIMIT', 0, 50)
      for _, id in ipairs(expired) do
        redis.call('ZREM', base .. ':active', id)
        local key = base .. ':job:' .. id
        local stalls = redis.call('HINCRBY', key, 'stalls', 1)
        redis.call('HDEL', key, 'token', 'worker')
        local g = redis.call('HMGET', key, 'group', 'limit')
        release(base, g[1], g[2])
        event(base, 'stalled', id, 'stalls', stalls)
        if redis.call('HGET', key, 'cancel') then
          cancelled(base, id, now, retention, 'cancelled while its worker was gone')
        elseif stalls > maxStalls then
          bury(base, id, 'stalled: its worker stopped answering ' .. stalls .. ' times (MAX_STALLS ' .. maxStalls .. ')',
               now, retention)
        else
          ready(base, id, true, waiting)
        end
      end
    end

    -- The next job by strict lane priority, then fairly: the owner served least so far in the
    -- lane, then that owner's group served least.
    --
    -- `empty` marks the lanes found empty during one call, which stay so until it ends (a
    -- claim only takes jobs out), so that a batch looks at an empty lane once.
    local function nextJob(base, waiting, empty)
      for _, lane in ipairs(LANES) do
        local owners = base .. ':owners:' .. lane
        for _ = 1, (empty[lane] and 0 or 64) do
          -- The two least served: a lone member's virtual time is not advanced, since there
          -- is nobody to compare it with (a newcomer starts level with it).
          local leastOwners = redis.call('ZRANGE', owners, '0', '1')
          local owner = leastOwners[1]
          if not owner then
            empty[lane] = true
            break
          end
          local groups = base .. ':groups:' .. lane .. ':' .. owner
          local leastGroups = redis.call('ZRANGE', groups, '0', '1')
          local group = leastGroups[1]
          if not group then
            redis.call('ZREM', owners, owner)
          else
            local id = redis.call('LPOP', base .. ':wait:' .. lane .. ':' .. group)
            if id then
              waiting[lane] = (waiting[lane] or 0) - 1
              if leastOwners[2] then redis.call('ZINCRBY', owners, '1', owner) end
              if leastGroups[2] then redis.call('ZINCRBY', groups, '1', group) end
              return id, owner, group
            end
            -- The group ran dry (its last job went on an earlier turn): out of the rotation.
            redis.call('ZREM', groups, group)
            if redis.call('ZCARD', groups) == 0 then redis.call('ZREM', owners, owner) end
          end
        end
      end
      return nil
    end

    -- Takes in the intake, promotes due jobs, reclaims expired leases, then hands `count` jobs
    -- to `worker`: per job its token, then its fields as HGETALL gives them.
    -- The upkeep (intake, due jobs, expired leases) runs at most every 50 ms by the callers'
    -- clocks (any skew between them only makes it run more often), or always for a claim of 0
    -- (the workers' maintenance call): it costs three lookups a claim would otherwise pay
    -- each time.
    -- When each queue's upkeep last ran, in this Redis process. It only throttles work that is
    -- safe to run at any time, so it may be lost (a restart, a failover, a function reload).
    local lastUpkeep = {}

    local function claim(base, now, worker, count, lease, maxStalls, retention)
      local waiting = {}
      local sinceUpkeep = math.abs(tonumber(now) - (lastUpkeep[base] or 0))
      if count == 0 or sinceUpkeep >= 50 then
        lastUpkeep[base] = tonumber(now)
        drainIntake(base, now, waiting)
        promoteDue(base, now, waiting)
        reclaimExpired(base, now, maxStalls, retention, waiting)
      end
      local claimed, empty = {}, {}
      for _ = 1, count do
        local id, owner, group = nextJob(base, waiting, empty)
        if not id then break end
        local key = base .. ':job:' .. id
        local fields = redis.call('HGETALL', key)
        local job = {}
        for i = 1, #fields, 2 do job[fields[i]] = fields[i + 1] end
        -- Unique per delivery: a job is claimed again only after an attempt, a stall or a retry.
        local token = worker .. '/' .. now .. '/' .. (job.attempt or '1') .. '.' .. (job.stalls or '0')
        redis.call('HSET', key, 'state', 'active', 'token', token, 'worker', worker, 'started_at', now)
        redis.call('ZADD', base .. ':active', tonumber(now) + lease, id)
        local limit = tonumber(job.limit) or 0
        if limit > 0 then
          local active = redis.call('HINCRBY', base .. ':group:' .. group, 'active', '1')
          if active >= limit then park(base, group, owner) end
        end
        event(base, 'active', id, 'attempt', job.attempt or '1', 'worker', worker)
        table.insert(claimed, token)
        table.insert(claimed, fields)
      end
      addWaiting(base, waiting)
      return claimed
    end

    -- KEYS: base. ARGV: now, worker, count, lease ms, max stalls, retention s.
    redis.register_function('pcsq_claim', function(keys, args)
      return claim(keys[1], args[1], args[2], tonumber(args[3]), tonumber(args[4]), tonumber(args[5]), tonumber(args[6]))
    end)

    -- KEYS: base. ARGV: now, then field/value pairs of the job (docs/QUEUE.md).
    -- Returns {outcome, event id or state}: 'added'/'delayed' and the `added` event's id (read
    -- the events stream after it to await the job), or 'duplicate' and the job's state.
    redis.register_function('pcsq_enqueue', function(keys, args)
      local fields = {}
      for i = 2, #args do fields[i - 1] = args[i] end
      local job = {}
      for i = 1, #fields, 2 do job[fields[i]] = fields[i + 1] end
      if not job.id or job.id == '' then return redis.error_reply('pcsq: missing field "id"') end
      local waiting = {}
      local outcome, detail = add(keys[1], args[1], fields, waiting, {})
      if not outcome then return redis.error_reply('pcsq: ' .. detail) end
      addWaiting(keys[1], waiting)
      wake(keys[1])
      return {outcome, detail or ''}
    end)

    -- KEYS: base. ARGV: now, then per job: its number of field/value arguments, then those.
    -- Returns, per job, its outcome and detail as `pcsq_enqueue` does, or {'refused', reason}.
    redis.register_function('pcsq_enqueue_many', function(keys, args)
      local replies, waiting, groups = {}, {}, {}
      local limit = config(keys[1], 'max_payload_bytes', 1048576)
      local i = 2
      while i <= #args do
        local n = tonumber(args[i])
        local fields = {}
        for j = 1, n do fields[j] = args[i + j] end
        i = i + n + 1
        local id
        for j = 1, #fields, 2 do if fields[j] == 'id' then id = fields[j + 1] end end
        if not id or id == '' then
          table.insert(replies, {'refused', 'missing field "id"'})
        else
          local outcome, detail = add(keys[1], args[1], fields, waiting, groups, limit)
          if outcome then table.insert(replies, {outcome, detail or ''}) else table.insert(replies, {'refused', detail}) end
        end
      end
      addWaiting(keys[1], waiting)
      wake(keys[1], #replies)
      return replies
    end)

    -- KEYS: base. ARGV: now, lease ms, then id/token pairs. Extends the leases of jobs still
    -- held; returns the ids whose lease was lost (reclaimed: stop working on them).
    redis.register_function('pcsq_extend', function(keys, args)
      local base, due = keys[1], tonumber(args[1]) + tonumber(args[2])
      local lost = {}
      for i = 3, #args, 2 do
        local id, token = args[i], args[i + 1]
        local j = redis.call('HMGET', base .. ':job:' .. id, 'token', 'state')
        if j[1] == token and j[2] == 'active' then
          redis.call('ZADD', base .. ':active', 'XX', due, id)
        else
          table.insert(lost, id)
        end
      end
      return lost
    end)

    -- KEYS: base. ARGV: now, id, token, result, retention s, and optionally worker, count,
    -- lease ms, max stalls to claim the worker's next jobs in the same call. Returns {'ok' or
    -- 'lost', claimed…}: 'lost' when the job was reclaimed from this worker meanwhile (its new
    -- holder decides its fate); the claimed jobs as `pcsq_claim` returns them. JobQueue sends
    -- `pcsq_complete_many` instead; this one stays for workers in other languages and for
    -- workers of the previous build during a rolling update (a missing function would make
    -- them load their own library over this one).
    redis.register_function('pcsq_complete', function(keys, args)
      local base, now, id, token, result, retention = keys[1], args[1], args[2], args[3], args[4], tonumber(args[5])
      local reply = {completeOne(base, now, id, token, result, retention, nil)}
      if args[6] then
        for _, item in ipairs(claim(base, now, args[6], tonumber(args[7]), tonumber(args[8]), tonumber(args[9]), retention)) do
          table.insert(reply, item)
        end
      end
      return reply
    end)

    -- KEYS: base. ARGV: now, retention s, worker, count, lease ms, max stalls, then per job its
    -- id, token and result. Completes the jobs (each as `pcsq_complete` does) and claims up to
    -- `count` next ones for `worker` (0: none). Returns {statuses, claimed…}: the jobs' 'ok' or
    -- 'lost' in order, then the claimed jobs as `pcsq_claim` returns them. A worker's
    -- consumers that finish at once send their completions together in one such call.
    redis.register_function('pcsq_complete_many', function(keys, args)
      local base, now, retention = keys[1], args[1], tonumber(args[2])
      local statuses, ended = {}, {}
      for i = 7, #args - 2, 3 do
        table.insert(statuses, completeOne(base, now, args[i], args[i + 1], args[i + 2], retention, ended))
      end
      countEnded(base, now, ended)
      local reply = {statuses}
      local count = tonumber(args[4]) or 0
      if count > 0 then
        for _, item in ipairs(claim(base, now, args[3], count, tonumber(args[5]), tonumber(args[6]), retention)) do
          table.insert(reply, item)
        end
      end
      return reply
    end)

    -- KEYS: base. ARGV: now, id, token, error, disposition ('retry' | 'dead' | 'cancelled'),
    -- retry delay ms, retention s. Returns the job's new state, or 'lost'.
    redis.register_function('pcsq_fail', function(keys, args)
      local base, now, id, token, message, disposition = keys[1], args[1], args[2], args[3], args[4], args[5]
      local delay, retention = tonumber(args[6]), tonumber(args[7])
      local key = base .. ':job:' .. id
      local held = letGo(base, id, token, 'attempt', 'max_attempts', 'cancel')
      if not held then return 'lost' end
      local attempt, maxAttempts, cancel = tonumber(held[5]) or 1, tonumber(held[6]) or 1, held[7]
      -- Deferred ("not now": a rate limit): due again after the delay, the attempt not
      -- counted, up to MAX_DEFERS times; then it is an ordinary failed attempt.
      if disposition == 'defer' and not cancel then
        if redis.call('HINCRBY', key, 'defers', 1) <= MAX_DEFERS then
          local due = tonumber(now) + delay
          redis.call('HSET', key, 'state', 'delayed', 'not_before', due)
          redis.call('ZADD', base .. ':delayed', due, id)
          event(base, 'deferred', id, 'attempt', attempt, 'reason', message, 'retry_at', due)
          return 'delayed'
        end
        disposition = 'retry'
      end
      appendError(base, id, attempt, message, now)
      if disposition == 'cancelled' or cancel then
        cancelled(base, id, now, retention, message)
        return 'cancelled'
      end
      if disposition == 'retry' and attempt < maxAttempts then
        local due = tonumber(now) + delay
        redis.call('HSET', key, 'state', 'failed', 'attempt', attempt + 1, 'not_before', due)
        redis.call('ZADD', base .. ':delayed', due, id)
        event(base, 'failed', id, 'attempt', attempt, 'error', message, 'retry_at', due)
        return 'failed'
      end
      event(base, 'failed', id, 'attempt', attempt, 'error', message)
      bury(base, id, message, now, retention)
      return 'dead'
    end)

    -- KEYS: base. ARGV: now, id, token, retention s. Hands a running job back unfinished (its
    -- worker is shutting down): it goes to the front of its group at once, with no attempt
    -- or stall counted. Returns 'waiting' (or 'cancelled', if it was being cancelled), or 'lost'.
    redis.register_function('pcsq_release', function(keys, args)
      local base, now, id, token, retention = keys[1], args[1], args[2], args[3], tonumber(args[4])
      local held = letGo(base, id, token, 'cancel')
      if not held then return 'lost' end
      if held[5] then
        cancelled(base, id, now, retention, held[5])
        return 'cancelled'
      end
      local waiting = {}
      ready(base, id, true, waiting)
      addWaiting(base, waiting)
      event(base, 'released', id)
      return 'waiting'
    end)

    local function cancelOne(base, id, now, retention, reason)
      local key = base .. ':job:' .. id
      local state = redis.call('HGET', key, 'state')
      if state == 'waiting' then
        local f = redis.call('HMGET', key, 'lane', 'group')
        if redis.call('LREM', base .. ':wait:' .. f[1] .. ':' .. f[2], 1, id) > 0 then
          redis.call('HINCRBY', base .. ':waiting', f[1], -1)
        end
        cancelled(base, id, now, retention, reason)
        return 'cancelled'
      elseif state == 'delayed' or state == 'failed' then
        redis.call('ZREM', base .. ':delayed', id)
        cancelled(base, id, now, retention, reason)
        return 'cancelled'
      elseif state == 'active' then
        redis.call('HSET', key, 'cancel', reason)
        redis.call('PUBLISH', base .. ':cancel', id)
        return 'cancelling'
      end
      return 'ended:' .. (state or 'unknown')
    end

    -- KEYS: base. ARGV: now, id, reason, retention s. 'cancelled' (it was waiting or
    -- delayed), 'cancelling' (it is running: its worker is told on `<base>:cancel` and aborts
    -- it), or 'ended:<state>' when it had already ended ('ended:unknown': no such job).
    redis.register_function('pcsq_cancel', function(keys, args)
      return cancelOne(keys[1], args[2], args[1], tonumber(args[4]), args[3])
    end)

    -- KEYS: base. ARGV: now, group, reason, retention s. Cancels every unfinished job of a
    -- group (a run). Returns {cancelled, cancelling}.
    redis.register_function('pcsq_cancel_group', function(keys, args)
      local base, now, group, reason, retention = keys[1], args[1], args[2], args[3], tonumber(args[4])
      local owner = redis.call('HGET', base .. ':group:' .. group, 'owner')
      local done, running = 0, 0
      for _, lane in ipairs(LANES) do
        local list = base .. ':wait:' .. lane .. ':' .. group
        local ids = redis.call('LRANGE', list, 0, -1)
        for _, id in ipairs(ids) do
          cancelled(base, id, now, retention, reason)
          done = done + 1
        end
        if #ids > 0 then redis.call('HINCRBY', base .. ':waiting', lane, 0 - #ids) end
        redis.call('DEL', list)
        if owner then
          local groups = base .. ':groups:' .. lane .. ':' .. owner
          redis.call('ZREM', groups, group)
          if redis.call('ZCARD', groups) == 0 then redis.call('ZREM', base .. ':owners:' .. lane, owner) end
        end
      end
      for _, id in ipairs(redis.call('SMEMBERS', base .. ':group:' .. group .. ':jobs')) do
        local outcome = cancelOne(base, id, now, retention, reason)
        if outcome == 'cancelled' then done = done + 1 elseif outcome == 'cancelling' then running = running + 1 end
      end
      return {done, running}
    end)

    -- KEYS: base. ARGV: now, id. Re-queues a dead (or cancelled) job from its first attempt.
    -- Returns 'requeued', or 'not-retryable:<state>'.
    redis.register_function('pcsq_retry', function(keys, args)
      local base, id = keys[1], args[2]
      local key = base .. ':job:' .. id
      local state = redis.call('HGET', key, 'state')
      if state ~= 'dead' and state ~= 'cancelled' then return 'not-retryable:' .. (state or 'unknown') end
      redis.call('PERSIST', key)
      redis.call('HSET', key, 'attempt', 1, 'stalls', 0)
      redis.call('HDEL', key, 'finished_at', 'cancel', 'error')
      local group = redis.call('HGET', key, 'group')
      redis.call('SADD', base .. ':group:' .. group .. ':jobs', id)
      redis.call('HSETNX', base .. ':group:' .. group, 'owner', redis.call('HGET', key, 'owner'))
      local waiting = {}
      ready(base, id, false, waiting)
      addWaiting(base, waiting)
      event(base, 'added', id, 'state', 'waiting', 'retry', '1')
      return 'requeued'
    end)

    -- KEYS: base. ARGV: now. Returns {oldest, rate}: `oldest` is lane/enqueue-time pairs, the
    -- oldest job each lane could run now (the heads of at most 1000 eligible groups' lists;
    -- a group held at its concurrency limit is not eligible), and `rate` is
    -- `<minute>:<state>`/count pairs of the jobs that ended in each of the last 10 minutes
    -- (older counts are deleted).
    redis.register_function('pcsq_stats', function(keys, args)
      local base, now = keys[1], tonumber(args[1])
      local oldest, scanned = {}, 0
      for _, lane in ipairs(LANES) do
        for _, owner in ipairs(redis.call('ZRANGE', base .. ':owners:' .. lane, 0, 199)) do
          if scanned >= 1000 then break end
          for _, group in ipairs(redis.call('ZRANGE', base .. ':groups:' .. lane .. ':' .. owner, 0, 999 - scanned)) do
            scanned = scanned + 1
            local head = redis.call('LINDEX', base .. ':wait:' .. lane .. ':' .. group, 0)
            if head then
              local j = redis.call('HMGET', base .. ':job:' .. head, 'enqueued_at', 'state')
              local at = tonumber(j[1])
              if at and j[2] == 'waiting' and (not oldest[lane] or at < oldest[lane]) then oldest[lane] = at end
            end
          end
        end
      end
      -- Entries pushed by hand and not yet taken in wait in the normal lane's place.
      local intake = redis.call('XRANGE', base .. ':intake', '-', '+', 'COUNT', 1)[1]
      if intake then
        local at = tonumber(string.match(intake[1], '^(%d+)'))
        if at and (not oldest.normal or at < oldest.normal) then oldest.normal = at end
      end
      local pairs_ = {}
      for lane, at in pairs(oldest) do table.insert(pairs_, lane); table.insert(pairs_, tostring(at)) end
      local rate, minute = {}, math.floor(now / 60000)
      local fields = redis.call('HGETALL', base .. ':rate')
      for i = 1, #fields, 2 do
        local m = tonumber(string.match(fields[i], '^(%d+):'))
        if not m or m < minute - 10 then
          redis.call('HDEL', base .. ':rate', fields[i])
        else
          table.insert(rate, fields[i]); table.insert(rate, fields[i + 1])
        end
      end
      return {pairs_, rate}
    end)

    redis.register_function('pcsq_version', function() return @VERSION@ end)
    """#.replacingOccurrences(of: "@VERSION@", with: String(version))
        .replacingOccurrences(of: "@MAX_DEFERS@", with: String(maxDefers))
}
