/**
 * The Lua scripts of the durable notification queue (Redis Streams, one consumer group). Each runs
 * atomically on the server. An entry of the stream has the fields `body` (the notification's JSON as
 * the market sends it) and `key` (its identity, `duplicateKey`); a dead letter has those and `id` (the
 * entry it was), `deliveries` and `reason`.
 */
import { script } from "./scripts.js"

/** Reads a field of a flat `{field, value, ...}` reply; moves an entry to the dead letters. */
const helpers = `
local function field(fields, name)
  for i = 1, #fields, 2 do
    if fields[i] == name then return fields[i + 1] end
  end
  return ''
end
local function bury(stream, dead, group, entry, deliveries, reason)
  local fields = entry[2]
  redis.call('XADD', dead, '*', 'body', field(fields, 'body'), 'key', field(fields, 'key'),
    'id', entry[1], 'deliveries', deliveries, 'reason', reason)
  redis.call('XACK', stream, group, entry[1])
  redis.call('XDEL', stream, entry[1])
end
`

/**
 * Stores an event unless it is a repeat: the duplicate check, the bound and the append in one step.
 * KEYS: stream, duplicate key. ARGV: window (ms, 0 = no check), maximum length, body, identity.
 * Returns {1, id} stored, {0, ''} a repeat, {2, ''} the stream is full (nothing stored or remembered).
 */
export const offer = script("offer", `
local window = tonumber(ARGV[1])
if window > 0 and redis.call('EXISTS', KEYS[2]) == 1 then return {0, ''} end
if redis.call('XLEN', KEYS[1]) >= tonumber(ARGV[2]) then return {2, ''} end
local id = redis.call('XADD', KEYS[1], '*', 'body', ARGV[3], 'key', ARGV[4])
if window > 0 then redis.call('SET', KEYS[2], id, 'PX', window) end
return {1, id}
`)

/**
 * Takes over the entries idle for at least `idle` ms (their consumer died, or failed them): those
 * delivered `maxDeliveries` times already go to the dead letters, the others to the caller. Removes
 * the consumers that hold nothing and were not seen for 10 × `idle`.
 * KEYS: stream, dead. ARGV: group, consumer, idle (ms), count, maxDeliveries.
 * Returns {{id, fields, attempt}...}, attempt counting this delivery.
 */
export const claim = script("claim", `${helpers}
local stream, dead, group, consumer = KEYS[1], KEYS[2], ARGV[1], ARGV[2]
local idle, count, maxDeliveries = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local claimed = {}
for _, p in ipairs(redis.call('XPENDING', stream, group, 'IDLE', idle, '-', '+', count)) do
  local id, deliveries = p[1], tonumber(p[4])
  local entry = redis.call('XRANGE', stream, id, id)[1]
  if not entry then
    redis.call('XACK', stream, group, id)
  elseif deliveries >= maxDeliveries then
    bury(stream, dead, group, entry, deliveries, 'delivered ' .. deliveries .. ' times without an acknowledgement')
  else
    local got = redis.call('XCLAIM', stream, group, consumer, idle, id)[1]
    if got then table.insert(claimed, {got[1], got[2], deliveries + 1}) end
  end
end
-- consumers that hold nothing and were not seen for 10 claimIdle are gone (a killed process's)
for _, c in ipairs(redis.call('XINFO', 'CONSUMERS', stream, group)) do
  local name, pendingCount, seen = field(c, 'name'), tonumber(field(c, 'pending')), tonumber(field(c, 'idle'))
  if name ~= consumer and pendingCount == 0 and seen and seen > 10 * idle then
    redis.call('XGROUP', 'DELCONSUMER', stream, group, name)
  end
end
return claimed
`)

/**
 * Moves an entry the caller still holds to the dead letters. KEYS: stream, dead.
 * ARGV: group, consumer, id, reason. Returns 1 when moved, 0 when the caller no longer held it.
 */
export const bury = script("bury", `${helpers}
local stream, dead, group, consumer, id = KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3]
local p = redis.call('XPENDING', stream, group, id, id, 1)[1]
if not p or p[2] ~= consumer then return 0 end
local entry = redis.call('XRANGE', stream, id, id)[1]
if not entry then
  redis.call('XACK', stream, group, id)
  return 0
end
bury(stream, dead, group, entry, tonumber(p[4]), ARGV[4])
return 1
`)

/**
 * The consumer that holds the entries whose handler failed until another consumer takes them over
 * (see {@link park}). No consumer of the queue has this name (theirs are `host:pid:id:n`).
 */
export const parkedConsumer = "~parked"

/**
 * Hands an entry the caller still holds, and whose handler failed, to {@link parkedConsumer}: it keeps
 * its delivery count, and a consumer takes it over (counting a delivery) once it has been idle
 * `claimIdle`. The caller's own pending entries are then only those it holds and those whose reply
 * it never got (see {@link recover}). KEYS: stream. ARGV: group, consumer, parked consumer, id.
 * Returns 1 when parked, 0 when the caller no longer held it.
 */
export const park = script("park", `
local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[4], ARGV[4], 1)[1]
if not p or p[2] ~= ARGV[2] then return 0 end
redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[3], 0, ARGV[4], 'JUSTID')
return 1
`)

/**
 * The entries pending for the caller that it does not hold: delivered to it by a read or a claim whose
 * reply it never got (it gave up on the call, or lost the connection), or that it could not
 * acknowledge. They are handed to it again without counting a delivery (the one Redis recorded for
 * the lost reply is this one), and their idle time is reset. Entries no longer in the stream are
 * acknowledged. KEYS: stream. ARGV: group, consumer, count, held ids...
 * Returns {{id, fields, attempt}...} as {@link claim}, attempt being the deliveries recorded.
 */
export const recover = script("recover", `
local held = {}
for i = 4, #ARGV do held[ARGV[i]] = true end
local found = {}
for _, p in ipairs(redis.call('XPENDING', KEYS[1], ARGV[1], '-', '+', tonumber(ARGV[3]), ARGV[2])) do
  local id = p[1]
  if not held[id] then
    local entry = redis.call('XRANGE', KEYS[1], id, id)[1]
    if entry then
      redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, id, 'JUSTID')
      table.insert(found, {entry[1], entry[2], tonumber(p[4])})
    else
      redis.call('XACK', KEYS[1], ARGV[1], id)
    end
  end
end
return found
`)

/** Acknowledges an entry and removes it from the stream. KEYS: stream. ARGV: group, id. Returns 1 if it was pending. */
export const ack = script("ack", `
local n = redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
return n
`)

/**
 * Resets the idle time of the entries the caller still holds (a heartbeat while they are handled),
 * without counting a delivery. KEYS: stream. ARGV: group, consumer, ids... Returns the ids still held.
 */
export const touch = script("touch", `
local held = {}
for i = 3, #ARGV do
  local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)[1]
  if p and p[2] == ARGV[2] then
    redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'JUSTID')
    table.insert(held, ARGV[i])
  end
end
return held
`)

/** Removes a consumer that holds nothing. KEYS: stream. ARGV: group, consumer. Returns 1 if removed. */
export const retire = script("retire", `
if #redis.call('XPENDING', KEYS[1], ARGV[1], '-', '+', 1, ARGV[2]) > 0 then return 0 end
redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], ARGV[2])
return 1
`)

/**
 * Puts a dead letter back on the stream (as a new entry, without the duplicate check) and removes it
 * from the dead letters. KEYS: dead, stream. ARGV: dead letter id, maximum length.
 * Returns {1, new id}, {0, ''} when there is no such dead letter, {2, ''} when the stream is full.
 */
export const replay = script("replay", `${helpers}
local entry = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1])[1]
if not entry then return {0, ''} end
if redis.call('XLEN', KEYS[2]) >= tonumber(ARGV[2]) then return {2, ''} end
local id = redis.call('XADD', KEYS[2], '*', 'body', field(entry[2], 'body'), 'key', field(entry[2], 'key'))
redis.call('XDEL', KEYS[1], ARGV[1])
return {1, id}
`)
