/**
 * The Lua scripts of the Redis gate and quota store. Each runs atomically on the server, takes every
 * time from the server's `TIME`, and is sent by its SHA-1 (`EVALSHA`, then `EVAL` when a restarted
 * server no longer knows it: see `connection.ts`).
 */
import { createHash } from "node:crypto"
import { resetMarginMillis } from "../limiter/quotaState.js"

/** A script and the SHA-1 that `EVALSHA` names it by. */
export interface Script {
  readonly name: string
  readonly text: string
  readonly sha: string
}

/** Names a script's text by its SHA-1. */
export const script = (name: string, text: string): Script => ({
  name,
  text,
  sha: createHash("sha1").update(text).digest("hex")
})

/** The server's time in milliseconds. */
const now = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
`

/**
 * Takes a unit of the quota whose state hash is `key` (a state past its reset and margin is
 * dropped). Returns '' when the request may go (a unit taken, or nothing known), else the spent
 * state as 'remaining resetsAt limit' (limit may be empty): see `quota.ts`'s `spentState`.
 */
const takeUnit = `
local function takeUnit(key)
  local s = redis.call('HMGET', key, 'remaining', 'resetsAt', 'limit')
  if not s[2] then return '' end
  if now >= tonumber(s[2]) + ${resetMarginMillis} then
    redis.call('DEL', key)
    return ''
  end
  if tonumber(s[1]) <= 0 then return s[1] .. ' ' .. s[2] .. ' ' .. (s[3] or '') end
  redis.call('HINCRBY', key, 'remaining', -1)
  return ''
end
`

/**
 * Records the state an answer reported at `key`: a later reset replaces, the same reset keeps the
 * smaller remaining, an earlier one is stale. The key expires past the reset (and its margin).
 * Arguments: remaining, resetsAt (ms), limit or '' (texts). Returns 1 if it changed.
 */
const recordState = `
local function recordState(key, remainingText, resetsAtText, limit)
  local s = redis.call('HMGET', key, 'remaining', 'resetsAt')
  local remaining, resetsAt = tonumber(remainingText), tonumber(resetsAtText)
  if not s[2] or resetsAt > tonumber(s[2]) then
    redis.call('DEL', key)
    redis.call('HSET', key, 'remaining', remainingText, 'resetsAt', resetsAtText)
  elseif resetsAt == tonumber(s[2]) and remaining < tonumber(s[1]) then
    redis.call('HSET', key, 'remaining', remainingText)
  else
    return 0
  end
  if limit ~= '' then redis.call('HSET', key, 'limit', limit) end
  redis.call('PEXPIREAT', key, resetsAt + ${resetMarginMillis})
  return 1
end
`

/**
 * What every gate script shares. KEYS: holders, queue, waiters, meta, wake-channel prefix, units.
 * ARGV: limit, lease (ms), claim (ms: the deadline of a waiter's heartbeat and of a slot handed to a
 * waiter of another process until it renews), the publish command (PUBLISH or SPUBLISH), the caller's
 * token, the key of the quota state of the caller's operation ('' for none: `acquire` takes a unit of
 * it with the slot, `leave` records there the state of ARGV 9-11, if given), the most local hand-offs
 * in a row past the oldest waiter (see `leave`), and the waiter of the caller's process a slot the
 * caller frees may go to ('' for none).
 * A token is `<process id>:<n>`; a grant is published on the wake prefix followed by the process id.
 *
 * A waiter that asked for a unit has its quota key in the units hash ('?' and the key); when a slot
 * is handed to it, the unit is taken in the same step and its answer kept there ('=' and the answer
 * of `takeUnit`) and sent with the wake-up as `<token>=<answer>`.
 */
const gatePrelude = `
local holders, queue, waiters, meta, wakePrefix, units = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local limit, lease, claim = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local publish, token, quota = ARGV[4], ARGV[5], ARGV[6]
local handoffs, candidate = tonumber(ARGV[7]) or 0, ARGV[8] or ''
local function processOf(t) return string.match(t, '^[^:]+') end
local own = processOf(token)
${now}
${takeUnit}
${recordState}
-- Grants start one lease after this server started: a server that restarted (empty, or from a
-- snapshot older than its last grants) has forgotten holders whose leases may still run. A restart
-- is told by the server's run_id, which the meta hash keeps beside the time grants open; the
-- server's age is known to the second only (uptime_in_seconds counts whole seconds of the wall
-- clock: a server 0.1 s old may say 1), so it is taken one second younger than it says.
local opensCache
local function opensAt()
  if opensCache then return opensCache end
  local info = redis.pcall('INFO', 'server')
  if type(info) ~= 'string' then info = '' end
  local run = string.match(info, 'run_id:(%x+)') or ''
  local kept = redis.call('HMGET', meta, 'run', 'opens')
  if kept[1] == run and kept[2] then
    opensCache = tonumber(kept[2])
  else
    local uptime = tonumber(string.match(info, 'uptime_in_seconds:(%d+)')) or 0
    opensCache = now - math.max(0, uptime - 1) * 1000 + lease
    redis.call('HSET', meta, 'run', run, 'opens', opensCache)
  end
  return opensCache
end
-- Drops expired holders, and waiters whose process stopped beating, with their units.
local function sweep()
  local expired = redis.call('ZRANGEBYSCORE', holders, '-inf', now)
  for _, t in ipairs(expired) do redis.call('HDEL', units, t) end
  if #expired > 0 then redis.call('ZREMRANGEBYSCORE', holders, '-inf', now) end
  local dead = redis.call('ZRANGEBYSCORE', waiters, '-inf', now)
  for _, t in ipairs(dead) do
    redis.call('ZREM', queue, t)
    redis.call('HDEL', units, t)
  end
  if #dead > 0 then redis.call('ZREMRANGEBYSCORE', waiters, '-inf', now) end
end
-- Hands a slot to the waiter \`t\` (not the caller), with the unit it asked for taken. A waiter of
-- the caller's process, when \`replied\`, gets a lease and no message (the caller's reply wakes it);
-- any other a claim, and a message on its process's channel. Returns its wake-up.
local function grant(t, replied)
  redis.call('ZREM', queue, t)
  redis.call('ZREM', waiters, t)
  local mine = replied and processOf(t) == own
  if mine then redis.call('ZADD', holders, now + lease, t) else redis.call('ZADD', holders, now + claim, t) end
  local wake = t
  local asked = redis.call('HGET', units, t)
  if asked and string.sub(asked, 1, 1) == '?' then
    local answer = takeUnit(string.sub(asked, 2))
    redis.call('HSET', units, t, '=' .. answer)
    wake = t .. '=' .. answer
  end
  if not mine then redis.call(publish, wakePrefix .. processOf(t), wake) end
  return wake
end
-- Hands the free slots to the oldest waiters: the caller for a lease, any other as \`grant\` does.
-- Returns the wake-ups of the other waiters handed a slot (the caller's own grant is read by the
-- script that called this).
local function fill(replied)
  if now < opensAt() then return {} end
  local free = limit - redis.call('ZCARD', holders)
  if free <= 0 then return {} end
  local heads = redis.call('ZRANGE', queue, 0, free - 1)
  local woken = {}
  for _, t in ipairs(heads) do
    if t == token then
      redis.call('ZREM', queue, t)
      redis.call('ZREM', waiters, t)
      redis.call('ZADD', holders, now + lease, t)
    else
      table.insert(woken, grant(t, replied))
    end
  end
  return woken
end
-- Keys of an idle business expire after three leases; every call of a live one pushes that back,
-- and never brings it forward: a caller with a shorter lease must not expire the keys under a
-- holder with a longer one.
local function touch()
  local ttl = 3 * lease
  for _, i in ipairs({1, 2, 3, 4, 6}) do
    local left = redis.call('PTTL', KEYS[i])
    if left == -1 or (left >= 0 and left < ttl) then redis.call('PEXPIRE', KEYS[i], ttl) end
  end
end
`

/**
 * Queues the caller once (a ticket from the counter), beats its heartbeat, and hands out free slots.
 * Returns {1, 0, unit} when the caller holds a slot for a lease, {2, 0, unit} when it already held one
 * (handed over while it waited), {0, ms} while it waits: ms until a holder's lease ends or grants start.
 * unit: the answer of `takeUnit` for the unit asked with the slot, absent when none was asked (or
 * its answer was lost).
 */
export const acquire = script("acquire", `${gatePrelude}
sweep()
if redis.call('ZSCORE', holders, token) then
  touch()
  local asked = redis.call('HGET', units, token)
  if asked and string.sub(asked, 1, 1) == '=' then return {2, 0, string.sub(asked, 2)} end
  return {2, 0}
end
if not redis.call('ZSCORE', queue, token) then
  redis.call('ZADD', queue, redis.call('HINCRBY', meta, 'seq', 1), token)
  if quota ~= '' then redis.call('HSET', units, token, '?' .. quota) end
end
redis.call('ZADD', waiters, now + claim, token)
fill(false)
touch()
if redis.call('ZSCORE', holders, token) then
  redis.call('HDEL', units, token)
  if quota ~= '' then return {1, 0, takeUnit(quota)} end
  return {1, 0}
end
local opens = opensAt()
if now < opens then return {0, opens - now} end
local first = redis.call('ZRANGE', holders, 0, 0, 'WITHSCORES')
if first[2] then return {0, math.max(1, tonumber(first[2]) - now)} end
return {0, claim}
`)

/** Extends the caller's lease if it still holds its slot: 1, else 0 (the lease was lost). */
export const renew = script("renew", `${gatePrelude}
sweep()
local held = redis.call('ZSCORE', holders, token)
if held then redis.call('ZADD', holders, 'XX', now + lease, token) end
fill(false)
touch()
if held then return 1 end
return 0
`)

/**
 * Takes the caller out of the queue or frees its slot (recording the state its answer reported, if
 * given, before the slot is handed on), and hands free slots on. Returns {1 if it held one, the
 * wake-ups of the waiters handed a slot...}: the caller's process wakes its own at once (they get a
 * lease and no message).
 *
 * A local hand-off: a slot the caller frees while the oldest waiter is another process's goes to
 * the caller's own waiter `candidate` (still in line) instead, without a trip through that other
 * process, at most `handoffs` times in a row past the same oldest waiter (counted in the meta hash:
 * 'passed', 'passes'); then the slot goes to that waiter. So the oldest waiter is passed over at most
 * `handoffs` times, and a waiter with n waiters ahead of it at most `handoffs` × (n + 1) times.
 */
export const leave = script("leave", `${gatePrelude}
sweep()
if quota ~= '' and ARGV[9] then recordState(quota, ARGV[9], ARGV[10], ARGV[11]) end
local held = redis.call('ZREM', holders, token)
redis.call('ZREM', queue, token)
redis.call('ZREM', waiters, token)
redis.call('HDEL', units, token)
local woken = {}
if held == 1 and candidate ~= '' and handoffs > 0 and processOf(candidate) == own and now >= opensAt()
  and redis.call('ZSCORE', queue, candidate) and redis.call('ZCARD', holders) < limit then
  local head = redis.call('ZRANGE', queue, 0, 0)[1]
  if head ~= candidate and processOf(head) ~= own then
    local kept = redis.call('HMGET', meta, 'passed', 'passes')
    local passes = 0
    if kept[1] == head then passes = tonumber(kept[2]) end
    if passes < handoffs then
      redis.call('HSET', meta, 'passed', head, 'passes', passes + 1)
      table.insert(woken, grant(candidate, true))
    end
  end
end
for _, wake in ipairs(fill(true)) do table.insert(woken, wake) end
touch()
table.insert(woken, 1, held)
return woken
`)

/** Takes a unit of an operation's quota (see `takeUnit`). KEYS: the state hash. */
export const reserve = script("reserve", `${now}
${takeUnit}
return takeUnit(KEYS[1])
`)

/** Records the state an answer reported: see `recordState`. KEYS: the state hash. ARGV: remaining, resetsAt (ms), limit or ''. */
export const record = script("record", `${recordState}
return recordState(KEYS[1], ARGV[1], ARGV[2], ARGV[3])
`)
