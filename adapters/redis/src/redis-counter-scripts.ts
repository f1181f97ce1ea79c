/**
 * Lua scripts of the Redis counter store, each run atomically by Redis.
 *
 * Redis's Lua numbers are doubles, exact only to 2^53, while budgets are
 * 64-bit micros; so amounts travel as decimal strings and are added and
 * compared as { high, low } pairs of base 10^9 digits, both exact in a double.
 */
const BIG_ARITHMETIC = `
local BASE = 1000000000
local function big(text)
  text = text or '0'
  local n = #text
  if n <= 9 then return { 0, tonumber(text) } end
  return { tonumber(string.sub(text, 1, n - 9)), tonumber(string.sub(text, n - 8)) }
end
local function add(a, b)
  local high, low = a[1] + b[1], a[2] + b[2]
  if low >= BASE then return { high + 1, low - BASE } end
  return { high, low }
end
local function sub(a, b)
  local high, low = a[1] - b[1], a[2] - b[2]
  if low < 0 then return { high - 1, low + BASE } end
  return { high, low }
end
local function less(a, b)
  return a[1] < b[1] or (a[1] == b[1] and a[2] < b[2])
end
local function text(a)
  if a[1] > 0 then return string.format('%d%09d', a[1], a[2]) end
  return string.format('%d', a[2])
end
`;

/**
 * KEYS[1] the user's hash; ARGV[1] record TTL ms, ARGV[2..4] the oldest minute,
 * hour and day bucket still needed, ARGV[5..] the fields to increment. Prunes
 * outdated buckets once the hash has grown past a few dozen fields.
 */
export const RECORD_IMPRESSION_LUA = `
for i = 5, #ARGV do redis.call('HINCRBY', KEYS[1], ARGV[i], 1) end
if redis.call('HLEN', KEYS[1]) > 48 then
  local cutoff = { m = tonumber(ARGV[2]), h = tonumber(ARGV[3]), d = tonumber(ARGV[4]) }
  for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
    local tag, index = string.match(field, '^([mhd])(%-?%d+):')
    if tag and tonumber(index) < cutoff[tag] then redis.call('HDEL', KEYS[1], field) end
  end
end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
`;

/**
 * KEYS[1] spent (string), KEYS[2] leases by expiry (sorted set), KEYS[3]
 * grants by lease id (hash). ARGV: nowMs, limitMicros, wantMicros, ttlMs,
 * leaseId. Drops lapsed leases, grants min(want, limit − spent − live grants)
 * and returns it as a decimal string ('0': nothing kept).
 */
export const LEASE_LUA = `${BIG_ARITHMETIC}
local now = tonumber(ARGV[1])
local lapsed = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)
for _, id in ipairs(lapsed) do redis.call('HDEL', KEYS[3], id) end
if #lapsed > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now) end
local committed = big(redis.call('GET', KEYS[1]) or '0')
for _, grant in ipairs(redis.call('HVALS', KEYS[3])) do committed = add(committed, big(grant)) end
local limit = big(ARGV[2])
if not less(committed, limit) then return '0' end
local granted = sub(limit, committed)
local want = big(ARGV[3])
if less(want, granted) then granted = want end
local grantedText = text(granted)
if grantedText == '0' then return '0' end
redis.call('HSET', KEYS[3], ARGV[5], grantedText)
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[4]), ARGV[5])
-- Both keys outlive their last lease by a minute (relative to the caller's clock, not Redis's).
local last = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
local keepMs = math.max(1, tonumber(last[2]) - now) + 60000
redis.call('PEXPIRE', KEYS[2], keepMs)
redis.call('PEXPIRE', KEYS[3], keepMs)
return grantedText
`;

/**
 * KEYS[1] leases by expiry, KEYS[2] grants. ARGV: leaseId, keepMicros. Ends
 * the lease ('0') or shrinks its grant; never grows it.
 */
export const RELEASE_LUA = `${BIG_ARITHMETIC}
local current = redis.call('HGET', KEYS[2], ARGV[1])
if not current then return 0 end
if ARGV[2] == '0' then
  redis.call('HDEL', KEYS[2], ARGV[1])
  redis.call('ZREM', KEYS[1], ARGV[1])
elseif less(big(ARGV[2]), big(current)) then
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
end
return 1
`;
